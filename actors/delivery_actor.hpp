#pragma once
// One ordered delivery actor per active hook: it owns the hook's head-of-stream,
// sends exactly one event at a time (so the subscriber sees seqs in order), retries
// the head on the policy's schedule and reports progress to the cursor flusher. What
// an attempt sends and what its answer means is actors/webhook/attempt.hpp; this actor
// keeps the order and the state machine. Spawned, monitored and restarted by its
// partition actor, which reads the class of the error it exits with.
#include "actors/node_context.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace courier {

struct delivery_args {
  std::shared_ptr<const node_context> ctx;
  hook_spec hook;
  lease_epoch epoch{};
  std::shared_ptr<partition_fence> fence;
  caf::actor flusher;
};

caf::actor spawn_delivery_actor(caf::local_actor* parent, delivery_args args);

} // namespace courier
