#include "actors/notification_listener.hpp"

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
  std::vector<int> partitions;
  std::chrono::steady_clock::time_point next_scan{};
  int failures = 0; // in a row
  jitter_source jitter;
};

using listener_actor = notification_listener_self::stateful_base<listener_state>;

void dedupe(std::vector<wakeup>& w) {
  std::sort(w.begin(), w.end(), [](const wakeup& a, const wakeup& b) {
    return std::tie(a.partition, a.hook_id) < std::tie(b.partition, b.hook_id);
  });
  w.erase(std::unique(w.begin(), w.end(),
                      [](const wakeup& a, const wakeup& b) {
                        return a.partition == b.partition && a.hook_id == b.hook_id;
                      }),
          w.end());
}

void poll(listener_actor* self) {
  auto& st = self->state;
  auto next = std::chrono::milliseconds{0};
  try {
    if (!st.source->is_open()) {
      st.source->open();
      st.log->info("listening for notifications");
      st.failures = 0;
      st.next_scan = {}; // notifications may have been missed: scan now
    }
    auto batch = st.source->wait(wait_slice);
    st.ctx->metrics->notifications().Increment(static_cast<double>(batch.size()));
    auto now = std::chrono::steady_clock::now();
    if (now >= st.next_scan) {
      auto backlog = st.source->backlog(st.partitions);
      batch.insert(batch.end(), backlog.begin(), backlog.end());
      st.next_scan = now + st.ctx->cfg.poll_interval;
    }
    if (!batch.empty()) {
      dedupe(batch);
      self->send(st.parent, wakeups_atom::value, std::move(batch));
    }
  } catch (const notification_error& e) {
    next = reconnect.delay(++st.failures, st.jitter.next());
    st.log->warn("notifications unavailable ({}); polling every {} ms until back", e.what(),
                 st.ctx->cfg.poll_interval.count());
  }
  if (next.count() > 0)
    self->delayed_send(self, next, poll_atom::value);
  else
    self->send(self, poll_atom::value);
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
  return {
      [=](poll_atom) { poll(self); },
      [=](held_partitions_atom, std::vector<int>& held) {
        auto& st = self->state;
        bool grew = held.size() > st.partitions.size();
        st.partitions = std::move(held);
        if (grew) // newly acquired partitions: look for their backlog right away
          st.next_scan = {};
      },
  };
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
