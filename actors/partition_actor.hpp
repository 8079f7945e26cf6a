#pragma once
// Supervises the delivery actors of one leased partition: starts one per active
// hook, follows hook changes, and acts on the class of a deliverer's failure: retryable
// ones are restarted with backoff, permanent ones too until a hook keeps failing and
// is quarantined, a fenced one makes this actor exit fenced (the partition is dropped).
// On release it stops its deliverers, lets in-flight attempts finish within the grace
// period and flushes cursors before it exits.
#include "actors/node_context.hpp"

#include <caf/fwd.hpp>

namespace courier {

struct partition_args {
  std::shared_ptr<const node_context> ctx;
  lease_grant lease;
  caf::actor flusher;
};

caf::actor spawn_partition_actor(caf::local_actor* parent, partition_args args);

} // namespace courier
