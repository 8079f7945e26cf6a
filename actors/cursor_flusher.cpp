#include "actors/cursor_flusher.hpp"

#include "actors/exit_reason.hpp"
#include "actors/messages.hpp"
#include "net/log.hpp"

#include <set>
#include <unordered_map>

namespace courier {

using namespace atoms;

namespace {

struct flusher_state {
  static inline const char* name = "courier.cursor_flusher";

  std::shared_ptr<const node_context> ctx;
  cursor_flusher_parent parent;
  std::shared_ptr<spdlog::logger> log;
  std::unordered_map<hook_id, cursor_update> pending;
  std::vector<cursor_update> writing; // the batch in flight, empty when idle
  bool tick_scheduled = false;
  std::vector<caf::typed_response_promise<bool>> waiting_next;    // satisfied by the next write
  std::vector<caf::typed_response_promise<bool>> waiting_current; // by the write in flight
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using flusher_actor = cursor_flusher_self::stateful_base<flusher_state>;

void merge(flusher_state& st, const cursor_update& u) {
  auto [it, inserted] = st.pending.emplace(u.hook, u);
  // A newer lease's progress replaces an older one's, never the other way round.
  if (!inserted &&
      (u.epoch > it->second.epoch || (u.epoch == it->second.epoch && u.seq > it->second.seq)))
    it->second = u;
}

void schedule(flusher_actor* self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  if (st.tick_scheduled)
    return;
  st.tick_scheduled = true;
  self->delayed_send(self, delay, tick_atom::value);
}

void write(flusher_actor* self) {
  auto& st = self->state;
  if (!st.writing.empty())
    return; // the completion handler writes again
  if (st.pending.empty()) {
    for (auto& rp : st.waiting_next)
      rp.deliver(true);
    st.waiting_next.clear();
    return;
  }
  for (auto& [hook, u] : st.pending)
    st.writing.push_back(u);
  st.pending.clear();
  st.waiting_current = std::move(st.waiting_next);
  st.waiting_next.clear();
  cursor_flusher_self me{self};
  st.ctx->db->commit_cursors(st.writing, [me](result<std::vector<hook_id>> r) {
    caf::anon_send(me, committed_atom::value, std::move(r));
  });
}

void on_committed(flusher_actor* self, result<std::vector<hook_id>>& r) {
  auto& st = self->state;
  auto batch = std::move(st.writing);
  st.writing.clear();
  if (!r.ok()) {
    auto failure = with_context(r.error(), "writing " + std::to_string(batch.size()) + " cursors");
    // A write that fails the same way every time would hold every cursor back for
    // ever: fail loudly instead (the node supervisor is linked and the node exits;
    // cursors are durable, so a restart redelivers at most what was unflushed).
    if (failure.code != errc::retryable) {
      for (auto* waiting : {&st.waiting_current, &st.waiting_next})
        for (auto& rp : *waiting)
          rp.deliver(exit_reason(failure));
      return self->quit(exit_reason(failure));
    }
    // Keep the progress (newer reports win) and the waiters; try again shortly.
    st.log->warn("{}; retrying", failure.message);
    for (auto& u : batch)
      if (st.pending.count(u.hook) == 0)
        st.pending.emplace(u.hook, u);
    for (auto& rp : st.waiting_current)
      st.waiting_next.push_back(std::move(rp));
    st.waiting_current.clear();
    schedule(self, std::chrono::milliseconds{200});
    return;
  }
  if (!r.value().empty()) {
    std::set<hook_id> rejected(r.value().begin(), r.value().end());
    std::set<std::pair<partition_id, lease_epoch>> partitions; // with the rejected epoch
    for (const auto& u : batch)
      if (rejected.count(u.hook) > 0)
        partitions.insert({u.partition, u.epoch});
    st.ctx->metrics->fenced_writes().Increment(static_cast<double>(rejected.size()));
    for (auto [p, epoch] : partitions) {
      st.log->warn("rejected stale cursor writes for partition {} (epoch {}): its lease moved on",
                   raw(p), raw(epoch));
      self->send(st.parent, fenced_atom::value, p, epoch);
    }
  }
  for (auto& rp : st.waiting_current)
    rp.deliver(true);
  st.waiting_current.clear();
  if (!st.pending.empty() || !st.waiting_next.empty())
    write(self);
}

cursor_flusher_self::behavior_type flusher_behavior(flusher_actor* self,
                                                    std::shared_ptr<const node_context> ctx,
                                                    cursor_flusher_parent parent) {
  self->state.ctx = std::move(ctx);
  self->state.parent = std::move(parent);
  self->state.log = net::logger("store");
  self->state.probe = actor_probe{self, self->state.ctx->metrics->of_type(actor_type::flusher)};
  return instrumented<cursor_flusher_self::behavior_type>(
      self->state.probe,
      [=](advance_atom, const cursor_update& u) {
        merge(self->state, u);
        schedule(self, self->state.ctx->cfg.cursor_flush_interval);
      },
      [=](tick_atom) {
        self->state.tick_scheduled = false;
        write(self);
      },
      [=](committed_atom, result<std::vector<hook_id>>& r) { on_committed(self, r); },
      [=](flush_atom) {
        auto rp = self->make_response_promise<bool>();
        self->state.waiting_next.push_back(rp);
        write(self);
        return rp;
      });
}

} // namespace

cursor_flusher spawn_cursor_flusher(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                    cursor_flusher_parent parent) {
  return sys.spawn(flusher_behavior, std::move(ctx), std::move(parent));
}

} // namespace courier
