#pragma once
// Holds this node's partition leases on the dedicated lease connection. Runs on its
// own thread (a detached actor: every call into lease_store blocks). Each tick it
// heartbeats (extending the self-expiry fence), computes the node's fair share, and
// acquires unowned partitions or asks the node supervisor to hand surplus ones over.
// A failed session call loses every lease; a retryable failure is retried on the next
// (backed-off) tick, any other fails the keeper and, linked, the node.
#include "actors/node_context.hpp"
#include "actors/ports/lease_store.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace courier {

// Sends the supervisor (acquired_atom, lease_grant), (release_atom, partition) for a
// graceful hand-over (answered with (released_atom, partition)), (revoke_atom,
// partition) for a lease found gone, (lost_atom) when every lease is gone, and
// (drained_atom) after (drain_atom) once all partitions are handed over.
caf::actor spawn_lease_keeper(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                              std::unique_ptr<lease_store> leases, caf::actor supervisor);

} // namespace courier
