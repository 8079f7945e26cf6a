#pragma once
// The root of a node's supervision tree: node supervisor -> partition actors ->
// delivery actors. It starts a partition actor for every lease the lease keeper
// wins, hands partitions over gracefully when asked, tears them down at once when
// the leases are lost or a partition actor exits fenced (another node owns it now),
// restarts partition actors that fail otherwise, routes wake-ups, and on shutdown
// drains the node (hand over everything, flush cursors) before it exits. Its helpers
// (lease keeper, listener, flusher, attempt logger) are linked: one that fails takes the node down.
#include "actors/cursor_flusher.hpp"
#include "actors/lease_keeper.hpp"
#include "actors/messages.hpp"
#include "actors/node_context.hpp"
#include "actors/notification_listener.hpp"
#include "actors/ports/lease_store.hpp"
#include "actors/ports/notification_source.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace courier {

// What the node supervisor accepts: drain-and-stop from the node's main (it exits
// with user_shutdown once drained), and what its three helpers report to it.
using node_supervisor = caf::typed_actor<caf::reacts_to<atoms::shutdown_atom>>::extend_with<
    lease_keeper_parent, notification_listener_parent, cursor_flusher_parent>;

// The supervisor's whole protocol: the above plus what it sends itself.
using node_supervisor_self = node_supervisor::extend<
    // timer: a crashed partition actor may start again
    caf::reacts_to<atoms::restart_atom, partition_id>,
    // timer: time for outbox maintenance (partitions ahead created, delivered ones dropped)
    caf::reacts_to<atoms::maintain_atom>,
    // store (pool thread): how the maintenance went
    caf::reacts_to<atoms::maintained_atom, result<outbox_maintenance>>>;

struct node_parts {
  std::unique_ptr<lease_store> leases;
  std::unique_ptr<notification_source> notifications;
};

node_supervisor spawn_node_supervisor(caf::actor_system& sys,
                                      std::shared_ptr<const node_context> ctx, node_parts parts);

} // namespace courier
