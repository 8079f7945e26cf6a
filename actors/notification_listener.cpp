#include "actors/notification_listener.hpp"

#include "actors/exit_reason.hpp"
#include "actors/messages.hpp"
#include "actors/supervision.hpp"
#include "net/log.hpp"

#include <algorithm>

namespace courier {

using namespace atoms;

namespace {

// How long one wait blocks; bounds how late this thread sees its other messages.
constexpr std::chrono::milliseconds wait_slice{50};

// 200 ms doubling to 5 s; every node reconnects to the same Postgres after it
// restarts, hence the jitter. The backlog scan covers the gap meanwhile.
constexpr backoff reconnect{std::chrono::milliseconds{200}, 2.0, std::chrono::seconds{5}, 0.2};

struct listener_state {
  static inline const char* name = "courier.listener";

  std::shared_ptr<const node_context> ctx;
  std::unique_ptr<notification_source> source;
  notification_listener_parent parent;
  std::shared_ptr<spdlog::logger> log;
  std::vector<partition_id> partitions;
  std::chrono::steady_clock::time_point next_scan{};
  bool scanning = false; // a backlog scan is out
  int failures = 0;      // in a row
  jitter_source jitter;
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using listener_actor = notification_listener_self::stateful_base<listener_state>;

void dedupe(std::vector<wakeup>& w) {
  std::sort(w.begin(), w.end(), [](const wakeup& a, const wakeup& b) {
    return std::tie(a.partition, a.hook) < std::tie(b.partition, b.hook);
  });
  w.erase(std::unique(w.begin(), w.end(),
                      [](const wakeup& a, const wakeup& b) {
                        return a.partition == b.partition && a.hook == b.hook;
                      }),
          w.end());
}

// The session's next batch of wake-ups: notifications that arrived within one wait
// slice. Opens the session first when needed.
result<std::vector<wakeup>> listen(listener_state& st) {
  if (!st.source->is_open()) {
    auto opened = st.source->open();
    if (!opened.ok())
      return opened.error();
    st.log->info("listening for notifications");
    st.failures = 0;
    st.next_scan = {}; // notifications may have been missed: scan now
  }
  auto batch = st.source->wait(wait_slice);
  if (!batch.ok())
    return batch;
  st.ctx->metrics->notifications().Increment(static_cast<double>(batch.value().size()));
  return batch;
}

void forward(listener_actor* self, std::vector<wakeup> batch) {
  if (batch.empty())
    return;
  dedupe(batch);
  self->send(self->state.parent, wakeups_atom::value, std::move(batch));
}

// Starts the backlog scan when it is due and none is out; its answer comes as a message.
void scan_if_due(listener_actor* self) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  if (st.scanning || now < st.next_scan)
    return;
  st.next_scan = now + st.ctx->cfg.poll_interval;
  if (st.partitions.empty())
    return;
  st.scanning = true;
  notification_listener_self me{self};
  st.ctx->db->find_backlogs(st.partitions, [me](result<std::vector<wakeup>> found) {
    caf::anon_send(me, backlogs_atom::value, std::move(found));
  });
}

void poll(listener_actor* self) {
  auto& st = self->state;
  auto batch = listen(st);
  if (batch.ok()) {
    forward(self, std::move(batch.value()));
    scan_if_due(self);
    self->send(self, poll_atom::value);
    return;
  }
  // Without this session nothing wakes the deliverers: a failure that reconnecting
  // cannot heal fails the listener, and with it (linked) the node.
  if (batch.error().code != errc::retryable)
    return self->quit(exit_reason(batch.error()));
  auto next = reconnect.delay(++st.failures, st.jitter.next());
  st.log->warn("notifications unavailable ({}); reconnecting in {} ms", batch.error().message,
               next.count());
  self->delayed_send(self, next, poll_atom::value);
}

notification_listener_self::behavior_type
listener_behavior(listener_actor* self, std::shared_ptr<const node_context> ctx,
                  std::unique_ptr<notification_source> source,
                  notification_listener_parent parent) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.source = std::move(source);
  st.parent = std::move(parent);
  st.log = net::logger("listen");
  self->send(self, poll_atom::value);
  st.probe = actor_probe{self, st.ctx->metrics->of_type(actor_type::listener)};
  return instrumented<notification_listener_self::behavior_type>(
      st.probe, [=](poll_atom) { poll(self); },
      [=](backlogs_atom, result<std::vector<wakeup>>& found) {
        self->state.scanning = false;
        if (found.ok())
          return forward(self, std::move(found.value()));
        // Notifications still flow; the next scan comes at the usual interval.
        self->state.log->warn("backlog scan failed: {}", to_string(found.error()));
      },
      [=](held_partitions_atom, std::vector<partition_id>& held) {
        auto& st = self->state;
        bool grew = held.size() > st.partitions.size();
        st.partitions = std::move(held);
        if (grew) // newly acquired partitions: look for their backlog right away
          st.next_scan = {};
      });
}

} // namespace

notification_listener spawn_notification_listener(caf::actor_system& sys,
                                                  std::shared_ptr<const node_context> ctx,
                                                  std::unique_ptr<notification_source> source,
                                                  notification_listener_parent parent) {
  return sys.spawn<caf::detached>(listener_behavior, std::move(ctx), std::move(source),
                                  std::move(parent));
}

} // namespace courier
