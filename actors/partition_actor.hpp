#pragma once
// Supervises the delivery actors of one leased partition: starts one per active
// hook, follows hook changes, restarts failed deliverers with backoff and quarantines
// hooks that keep failing. On release it stops its deliverers, lets in-flight
// attempts finish within the grace period and flushes cursors before it exits.
#include "actors/cursor_flusher.hpp"
#include "actors/node_context.hpp"

#include <caf/fwd.hpp>

namespace courier {

struct partition_args {
  std::shared_ptr<const node_context> ctx;
  lease_grant lease;
  cursor_flusher flusher;
};

caf::actor spawn_partition_actor(caf::local_actor* parent, partition_args args);

} // namespace courier
