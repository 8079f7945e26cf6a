#pragma once
// Supervises the delivery actors of one leased partition: starts one per active
// hook, follows hook changes, applies replays (rewinds: the hook's deliverer is stopped,
// cursors flushed, then the cursor set back under the lease epoch, and the deliverer
// started from there), and acts on the class of a deliverer's failure: retryable
// ones are restarted with backoff, permanent ones too until a hook keeps failing and
// is quarantined, a fenced one makes this actor exit fenced (the partition is dropped).
// On release it stops its deliverers, lets in-flight attempts finish within the grace
// period and flushes cursors before it exits. Spawned and monitored by the node
// supervisor, which learns of its end (handed over, fenced or failed) from the down
// message.
#include "actors/attempt_logger.hpp"
#include "actors/cursor_flusher.hpp"
#include "actors/messages.hpp"
#include "actors/node_context.hpp"

#include <caf/typed_actor.hpp>

namespace courier {

// What the node supervisor sends a partition actor.
using partition_actor = caf::typed_actor<
    // a NOTIFY for this hook: the outbox has new events for it
    caf::reacts_to<atoms::wake_atom, hook_id>,
    // hooks of this partition were created, changed or deleted: reload them
    caf::reacts_to<atoms::hooks_changed_atom>,
    // hand the partition over: stop deliverers, wait for in-flight attempts (at most
    // shutdown_grace), flush cursors, exit normally
    caf::reacts_to<atoms::release_atom>,
    // the lease is gone: kill the deliverers and exit at once
    caf::reacts_to<atoms::revoke_atom>>;

// The partition actor's whole protocol: the above plus what it sends itself.
using partition_actor_self = partition_actor::extend<
    // store (pool thread): the partition's hooks as stored
    caf::reacts_to<atoms::loaded_atom, result<std::vector<hook_spec>>>,
    // timer: a failed or quarantined hook's deliverer may start again
    caf::reacts_to<atoms::restart_atom, hook_id>,
    // timer: the release's grace period is over
    caf::reacts_to<atoms::grace_over_atom>,
    // a deliverer with nothing to send is exiting (see delivery_actor_parent)
    caf::reacts_to<atoms::passivated_atom, hook_id, stream_seq, std::uint64_t>,
    // store (pool thread): the hook's pending rewind is applied, or the error
    caf::reacts_to<atoms::rewound_atom, hook_id, result<void>>>;

struct partition_args {
  std::shared_ptr<const node_context> ctx;
  lease_grant lease;
  cursor_flusher flusher;
  attempt_logger attempts; // none when attempt_log is off
};

// Spawned monitored by `parent`.
partition_actor spawn_partition_actor(caf::local_actor* parent, partition_args args);

} // namespace courier
