#pragma once
// One ordered delivery actor per hook with something to send: it owns the hook's head-of-stream,
// sends exactly one request at a time — one event, or with batch_max one range of
// consecutive events — so the subscriber sees seqs in order, retries the head on the
// policy's schedule and reports progress to the cursor flusher. What
// an attempt sends and what its answer means is actors/webhook/attempt.hpp; this actor
// keeps the order and the state machine. Spawned, monitored and restarted by its
// partition actor, which reads the class of the error it exits with (a stop after
// 410 Gone is a normal exit). A hook with nothing to send for passivate_after keeps no
// actor: it tells its partition actor where it stopped and exits (passivation).
#include "actors/attempt_logger.hpp"
#include "actors/cursor_flusher.hpp"
#include "actors/messages.hpp"
#include "actors/node_context.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace courier {

// What a partition actor sends a delivery actor.
using delivery_actor = caf::typed_actor<
    // the outbox may hold new events for the hook
    caf::reacts_to<atoms::wake_atom>,
    // the hook's URL, secrets or options changed: later attempts use these
    caf::reacts_to<atoms::hook_spec_atom, hook_spec>,
    // finish the attempt in flight, then exit normally
    caf::reacts_to<atoms::stop_atom>>;

// What a delivery actor sends its partition actor.
using delivery_actor_parent = caf::typed_actor<
    // it has passivated: every event up to seq is delivered or parked, and it had seen
    // this many wake-ups (fewer than were sent: one came too late, start it again)
    caf::reacts_to<atoms::passivated_atom, hook_id, stream_seq, std::uint64_t>>;

// The delivery actor's whole protocol: the above plus what it sends itself.
using delivery_actor_self = delivery_actor::extend<
    // timer: the byte budget may have room again
    caf::reacts_to<atoms::budget_atom>,
    // timer: passivate_after has passed since the actor last had work (generation)
    caf::reacts_to<atoms::idle_atom, std::uint64_t>,
    // store (pool thread): the next events after the buffered ones
    caf::reacts_to<atoms::fetched_atom, result<std::vector<outbox_event>>>,
    // timer: the retry delay is over, or the fence may have reopened
    caf::reacts_to<atoms::try_send_atom>,
    // HTTP client (Asio thread): the answer to the attempt for seq
    caf::reacts_to<atoms::http_done_atom, stream_seq, net::http_result>,
    // store: the dead letter for seq is durable, or the error (fenced by a newer lease)
    caf::reacts_to<atoms::parked_atom, stream_seq, result<void>>,
    // store: the hook is durably disabled after 410 Gone, or the error
    caf::reacts_to<atoms::disabled_atom, result<void>>>;

struct delivery_args {
  std::shared_ptr<const node_context> ctx;
  hook_spec hook;
  lease_epoch epoch{};
  std::shared_ptr<partition_fence> fence;
  cursor_flusher flusher;
  delivery_actor_parent parent;
  attempt_logger attempts; // none when attempt_log is off
};

// Spawned monitored by `parent`.
delivery_actor spawn_delivery_actor(caf::local_actor* parent, delivery_args args);

} // namespace courier
