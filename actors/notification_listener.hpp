#pragma once
// Turns LISTEN/NOTIFY into wake-ups for the node supervisor, on its own thread (a
// detached actor: waiting for notifications blocks). Notifications arriving together
// are coalesced into one batch, so a burst of emits costs one message, not one query
// per event. Every poll_interval it also asks the store which held hooks have a
// backlog: the safety net for notifications lost while the connection was down. That
// scan reads every hook and runs on the store's background connection while the
// notifications keep flowing (on the listen session it held them up for its whole
// length: 300-400 ms of every 500 at 100,000 hooks). A session failure reconnecting may
// heal is retried with backoff; any other fails the listener.
#include "actors/messages.hpp"
#include "actors/node_context.hpp"
#include "actors/ports/notification_source.hpp"

#include <caf/typed_actor.hpp>

#include <memory>

namespace courier {

// What the node supervisor sends the listener.
using notification_listener = caf::typed_actor<
    // the partitions this node holds now: the backlog scan covers these
    caf::reacts_to<atoms::held_partitions_atom, std::vector<partition_id>>>;

// What the listener sends its parent (the node supervisor).
using notification_listener_parent = caf::typed_actor<
    // hooks with new events (no hook: the partition's hooks changed), deduplicated
    caf::reacts_to<atoms::wakeups_atom, std::vector<wakeup>>>;

// The listener's whole protocol: the above plus its own loop.
using notification_listener_self = notification_listener::extend<
    // wait for notifications once more (at once, or after a reconnect backoff)
    caf::reacts_to<atoms::poll_atom>,
    // the backlog scan's answer
    caf::reacts_to<atoms::backlogs_atom, result<std::vector<wakeup>>>>;

notification_listener spawn_notification_listener(caf::actor_system& sys,
                                                  std::shared_ptr<const node_context> ctx,
                                                  std::unique_ptr<notification_source> source,
                                                  notification_listener_parent parent);

} // namespace courier
