#pragma once
// Turns LISTEN/NOTIFY into wake-ups for the node supervisor, on its own thread (a
// detached actor: waiting for notifications blocks). Notifications arriving together
// are coalesced into one batch, so a burst of emits costs one message, not one query
// per event. Every poll_interval it also asks which held hooks have a backlog: the
// safety net for notifications lost while the connection was down. A session failure
// reconnecting may heal is retried with backoff; any other fails the listener.
#include "actors/node_context.hpp"
#include "actors/ports/notification_source.hpp"

#include <caf/fwd.hpp>

#include <memory>

namespace courier {

// Sends the supervisor (wakeups_atom, std::vector<wakeup>). Accepts
// (partitions_atom, std::vector<partition_id>) with the partitions currently held.
caf::actor spawn_notification_listener(caf::actor_system& sys,
                                       std::shared_ptr<const node_context> ctx,
                                       std::unique_ptr<notification_source> source,
                                       caf::actor supervisor);

} // namespace courier
