#pragma once
// Batches the cursor progress of every delivery actor on the node into one fenced
// write per flush interval, so delivering 20k events/s costs ~20 small UPDATE
// batches/s, not 20k. A crash loses at most one interval of progress (those events
// are delivered again: at-least-once). `flush` answers once everything reported
// before it is durable; partitions call it before giving up their lease. A failed
// write is retried when retryable; any other fails the flusher (and, linked, the node)
// rather than hold every cursor back for ever.
#include "actors/node_context.hpp"

#include <caf/fwd.hpp>

namespace courier {

// `supervisor` receives (fenced_atom, partition, epoch) when a write made under that
// lease epoch is rejected as stale.
caf::actor spawn_cursor_flusher(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                caf::actor supervisor);

} // namespace courier
