#pragma once
// The root of a node's supervision tree: node supervisor -> partition actors ->
// delivery actors. It starts a partition actor for every lease the lease keeper
// wins, hands partitions over gracefully when asked, tears them down at once when
// the leases are lost or a partition actor exits fenced (another node owns it now),
// restarts partition actors that fail otherwise, routes wake-ups, and on shutdown
// drains the node (hand over everything, flush cursors) before it exits. Its helpers
// (lease keeper, listener, flusher) are linked: one that fails takes the node down.
#include "actors/node_context.hpp"
#include "actors/ports/lease_store.hpp"
#include "actors/ports/notification_source.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace courier {

struct node_parts {
  std::unique_ptr<lease_store> leases;
  std::unique_ptr<notification_source> notifications;
};

// Send (shutdown_atom) to drain and stop; the actor exits once drained.
caf::actor spawn_node_supervisor(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                 node_parts parts);

} // namespace courier
