#pragma once
// Batches the cursor progress of every delivery actor on the node into one fenced
// write per flush interval, so delivering 20k events/s costs ~20 small UPDATE
// batches/s, not 20k. A crash loses at most one interval of progress (those events
// are delivered again: at-least-once). `flush` answers once everything reported
// before it is durable; partitions call it before giving up their lease. A failed
// write is retried when retryable; any other fails the flusher (and, linked, the node)
// rather than hold every cursor back for ever.
#include "actors/messages.hpp"
#include "actors/node_context.hpp"

#include <caf/typed_actor.hpp>

namespace courier {

// What the node's actors send the cursor flusher.
using cursor_flusher = caf::typed_actor<
    // delivery actor: the hook is delivered through update.seq under update.epoch
    caf::reacts_to<atoms::advance_atom, cursor_update>,
    // partition actor, node supervisor: answered (true) once every earlier advance is durable
    caf::replies_to<atoms::flush_atom>::with<bool>>;

// What the cursor flusher sends its parent (the node supervisor): a cursor write made
// under lease `epoch` of `partition` was rejected as stale.
using cursor_flusher_parent =
    caf::typed_actor<caf::reacts_to<atoms::fenced_atom, partition_id, lease_epoch>>;

// The flusher's whole protocol: the above plus what it sends itself.
using cursor_flusher_self = cursor_flusher::extend<
    // timer: the flush interval is over, write what is pending
    caf::reacts_to<atoms::tick_atom>,
    // store (pool thread): the batch is written; the hooks whose write was fenced
    caf::reacts_to<atoms::committed_atom, result<std::vector<hook_id>>>>;

cursor_flusher spawn_cursor_flusher(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                    cursor_flusher_parent parent);

} // namespace courier
