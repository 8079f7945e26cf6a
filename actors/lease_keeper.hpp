#pragma once
// Holds this node's partition leases on the dedicated lease connection. Runs on its
// own thread (a detached actor: every call into lease_store blocks). Each tick it
// heartbeats (extending the self-expiry fence), computes the node's fair share, and
// acquires unowned partitions or asks the node supervisor to hand surplus ones over.
// A failed session call loses every lease; a retryable failure is retried on the next
// (backed-off) tick, any other fails the keeper and, linked, the node.
#include "actors/messages.hpp"
#include "actors/node_context.hpp"
#include "actors/ports/lease_store.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace courier {

// What the node supervisor sends the lease keeper.
using lease_keeper = caf::typed_actor<
    // the partition's actor is gone and its cursors are flushed: its lease may go
    // (the answer to release_atom, or after the supervisor dropped it on its own)
    caf::reacts_to<atoms::released_atom, partition_id>,
    // shutting down: hand every partition over, then deregister and report drained
    caf::reacts_to<atoms::drain_atom>>;

// What the lease keeper sends its parent (the node supervisor).
using lease_keeper_parent = caf::typed_actor<
    // a partition's lease is won: start delivering it
    caf::reacts_to<atoms::acquired_atom, lease_grant>,
    // hand this partition over gracefully, then answer with released_atom
    caf::reacts_to<atoms::release_atom, partition_id>,
    // this partition's lease is gone already: stop delivering it at once
    caf::reacts_to<atoms::revoke_atom, partition_id>,
    // every lease is gone (the lease connection failed): stop everything at once
    caf::reacts_to<atoms::leases_lost_atom>,
    // after drain_atom: every partition is handed over and the node deregistered
    caf::reacts_to<atoms::drained_atom>>;

// The lease keeper's whole protocol: the above plus its own timer.
using lease_keeper_self = lease_keeper::extend<
    // timer: heartbeat, rebalance, reconnect
    caf::reacts_to<atoms::tick_atom>>;

lease_keeper spawn_lease_keeper(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                std::unique_ptr<lease_store> leases, lease_keeper_parent parent);

} // namespace courier
