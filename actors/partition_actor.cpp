#include "actors/partition_actor.hpp"

#include "actors/delivery_actor.hpp"
#include "actors/exit_reason.hpp"
#include "actors/messages.hpp"
#include "net/log.hpp"

#include <deque>
#include <unordered_map>

namespace courier {

using namespace atoms;

namespace {

using steady = std::chrono::steady_clock;

struct hook_entry {
  hook_spec spec;
  caf::actor deliverer;
  std::deque<steady::time_point> restarts; // within the restart window
  bool restart_scheduled = false;
  bool deleted = false;
};

struct partition_state {
  static inline const char* name = "courier.partition";

  partition_args args;
  std::shared_ptr<partition_fence> fence;
  std::shared_ptr<spdlog::logger> log;
  std::unordered_map<hook_id, hook_entry> hooks;
  std::unordered_map<caf::actor_addr, hook_id> by_addr;
  bool loading = false;
  bool reload_pending = false;
  bool releasing = false;
};

using partition_actor = caf::stateful_actor<partition_state>;

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool should_run(const hook_spec& h) {
  return h.state == hook_state::active && h.quarantined_until_ms <= unix_ms();
}

void start_deliverer(partition_actor* self, hook_entry& entry) {
  auto& st = self->state;
  delivery_args args{st.args.ctx, entry.spec, st.args.lease.epoch, st.fence, st.args.flusher};
  entry.deliverer = spawn_delivery_actor(self, std::move(args));
  st.by_addr[entry.deliverer.address()] = entry.spec.id;
  st.args.ctx->metrics->actors("delivery").Increment();
}

void stop_deliverer(partition_actor* self, hook_entry& entry) {
  if (entry.deliverer)
    self->send(entry.deliverer, stop_atom::value);
}

void load(partition_actor* self) {
  auto& st = self->state;
  if (st.loading) {
    st.reload_pending = true;
    return;
  }
  st.loading = true;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.args.ctx->db->load_hooks(st.args.lease.partition, [me](result<std::vector<hook_spec>> result) {
    caf::anon_send(me, loaded_atom::value, std::move(result));
  });
}

void start_or_wait(partition_actor* self, hook_entry& entry) {
  if (should_run(entry.spec)) {
    start_deliverer(self, entry);
  } else if (entry.spec.state == hook_state::active) { // quarantined: come back when it ends
    entry.restart_scheduled = true;
    auto wait = std::chrono::milliseconds{entry.spec.quarantined_until_ms - unix_ms()};
    self->delayed_send(self, wait, restart_atom::value, entry.spec.id);
  }
}

// Brings running deliverers in line with the hooks as stored.
void reconcile(partition_actor* self, std::vector<hook_spec>& specs) {
  auto& st = self->state;
  std::unordered_map<hook_id, hook_spec> fresh;
  for (auto& h : specs)
    fresh.emplace(h.id, std::move(h));
  for (auto it = st.hooks.begin(); it != st.hooks.end();) {
    auto& entry = it->second;
    auto found = fresh.find(it->first);
    if (found == fresh.end()) { // deleted
      stop_deliverer(self, entry);
      entry.deleted = true;
      if (!entry.deliverer) {
        st.args.ctx->metrics->forget_hook(it->first);
        it = st.hooks.erase(it);
        continue;
      }
    } else if (found->second.state != hook_state::active) { // paused or disabled
      stop_deliverer(self, entry);
      entry.spec = std::move(found->second);
    } else if (entry.deliverer) { // running: follow URL and secret changes
      if (entry.spec.url != found->second.url || entry.spec.secrets != found->second.secrets) {
        entry.spec.url = found->second.url;
        entry.spec.secrets = found->second.secrets;
        self->send(entry.deliverer, spec_atom::value, entry.spec);
      }
    } else if (!entry.restart_scheduled) { // resumed or restarting: from the durable cursor
      entry.spec = std::move(found->second);
      start_or_wait(self, entry);
    }
    fresh.erase(it->first);
    ++it;
  }
  for (auto& [id, spec] : fresh) {
    auto& entry = st.hooks[id];
    entry.spec = std::move(spec);
    start_or_wait(self, entry);
  }
}

void finish_release_if_idle(partition_actor* self) {
  auto& st = self->state;
  if (!st.releasing || !st.by_addr.empty())
    return;
  // Every deliverer has reported its last success: make those cursors durable
  // before the lease goes, so the next owner starts exactly where we stopped.
  self->request(st.args.flusher, caf::infinite, flush_atom::value)
      .then([=](bool) { self->quit(); }, [=](caf::error&) { self->quit(); });
}

// Stops every deliverer at once (no grace: the lease is gone, no longer ours, or this
// actor is failing and its deliverers must not outlive it) and exits with `reason`.
void abandon(partition_actor* self, const caf::error& reason) {
  auto& st = self->state;
  st.fence->revoked = true;
  for (auto& [id, entry] : st.hooks)
    if (entry.deliverer)
      self->send_exit(entry.deliverer, caf::exit_reason::kill);
  self->quit(reason);
}

void on_deliverer_down(partition_actor* self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto found = st.by_addr.find(dm.source);
  if (found == st.by_addr.end())
    return;
  auto hook = found->second;
  st.by_addr.erase(found);
  st.args.ctx->metrics->actors("delivery").Decrement();
  auto it = st.hooks.find(hook);
  if (it == st.hooks.end())
    return finish_release_if_idle(self);
  auto& entry = it->second;
  entry.deliverer = nullptr;
  if (st.releasing)
    return finish_release_if_idle(self);
  if (entry.deleted) {
    st.args.ctx->metrics->forget_hook(hook);
    st.hooks.erase(it);
    return;
  }
  if (entry.spec.state != hook_state::active)
    return;
  if (!dm.reason) { // it stopped itself after disabling the hook (410 Gone)
    load(self);
    return;
  }
  auto failure = failure_of(dm.reason);
  if (failure.code == errc::fenced) {
    // A write under our epoch was refused: another node owns the partition now. The
    // node supervisor reads the same class from our exit and hands the lease back.
    st.log->warn("partition {}: {}; stopping its deliveries", raw(st.args.lease.partition),
                 failure.message);
    return abandon(self, dm.reason);
  }
  // A failure: restart with exponential backoff. Only failures of the hook's own
  // (permanent: bad data, a bug) count towards quarantine; a retryable one (the store
  // unreachable) is no fault of the hook and only waits for the backoff.
  auto now = steady::now();
  auto& ctx = *st.args.ctx;
  entry.restarts.push_back(now);
  while (!entry.restarts.empty() && now - entry.restarts.front() > ctx.restart_window)
    entry.restarts.pop_front();
  auto failures = static_cast<int>(entry.restarts.size());
  ctx.metrics->actor_restarts("delivery").Increment();
  entry.restart_scheduled = true;
  if (failure.code == errc::permanent && failures > ctx.max_restarts) {
    auto until = unix_ms() + ctx.quarantine.count();
    auto reason =
        "quarantined after " + std::to_string(failures) + " failures: " + to_string(failure);
    st.log->warn("hook {} {}; retrying in {} ms", raw(hook), reason, ctx.quarantine.count());
    ctx.metrics->quarantined().Increment();
    entry.restarts.clear();
    ctx.db->set_quarantine(hook, until, reason, log_if_failed(st.log, "recording a quarantine"));
    self->delayed_send(self, ctx.quarantine, restart_atom::value, hook);
    return;
  }
  auto backoff = std::min<std::chrono::milliseconds>(std::chrono::milliseconds{100} *
                                                         (1 << std::min(failures - 1, 10)),
                                                     std::chrono::milliseconds{10000});
  st.log->warn("delivery actor of hook {} failed ({}); restart {} in {} ms", raw(hook),
               to_string(failure), failures, backoff.count());
  self->delayed_send(self, backoff, restart_atom::value, hook);
}

void restart(partition_actor* self, hook_id hook) {
  auto& st = self->state;
  auto it = st.hooks.find(hook);
  if (it == st.hooks.end() || st.releasing)
    return;
  auto& entry = it->second;
  entry.restart_scheduled = false;
  if (entry.deliverer || entry.spec.state != hook_state::active)
    return;
  if (entry.spec.quarantined_until_ms > 0) {
    entry.spec.quarantined_until_ms = 0;
    st.args.ctx->db->set_quarantine(hook, 0, "", log_if_failed(st.log, "lifting a quarantine"));
  }
  load(self); // reconcile starts it from the durable cursor
}

caf::behavior partition_behavior(partition_actor* self, partition_args args) {
  auto& st = self->state;
  self->set_exception_handler(exception_to_error);
  st.log = net::logger("dispatch");
  st.fence = std::make_shared<partition_fence>();
  st.fence->clock = args.ctx->clock;
  st.args = std::move(args);
  self->set_down_handler([=](caf::down_msg& dm) { on_deliverer_down(self, dm); });
  self->attach_functor([fence = st.fence] { fence->revoked = true; });
  load(self);
  return {
      [=](loaded_atom, result<std::vector<hook_spec>>& loaded) {
        auto& st = self->state;
        st.loading = false;
        if (st.releasing)
          return;
        if (!loaded.ok()) {
          auto failure = with_context(loaded.error(), "loading the partition's hooks");
          // Anything but a transient failure will not heal by asking again: fail, and
          // let the node supervisor restart this partition actor with its backoff.
          if (failure.code != errc::retryable)
            return abandon(self, exit_reason(failure));
          st.log->warn("partition {}: {}; retrying", raw(st.args.lease.partition), failure.message);
          self->delayed_send(self, std::chrono::seconds{1}, hooks_changed_atom::value);
          return;
        }
        reconcile(self, loaded.value());
        if (st.reload_pending) {
          st.reload_pending = false;
          load(self);
        }
      },
      [=](hooks_changed_atom) {
        if (!self->state.releasing)
          load(self);
      },
      [=](wake_atom, hook_id hook) {
        auto& st = self->state;
        auto it = st.hooks.find(hook);
        if (it == st.hooks.end()) {
          load(self); // a hook created after our last load
        } else if (it->second.deliverer) {
          self->send(it->second.deliverer, wake_atom::value);
        }
      },
      [=](restart_atom, hook_id hook) { restart(self, hook); },
      [=](release_atom) {
        auto& st = self->state;
        if (st.releasing)
          return;
        st.releasing = true;
        // Queued requests must not go out any more; those already written finish.
        st.fence->revoked = true;
        for (auto& [id, entry] : st.hooks)
          stop_deliverer(self, entry);
        self->delayed_send(self, st.args.ctx->cfg.shutdown_grace, grace_atom::value);
        finish_release_if_idle(self);
      },
      [=](grace_atom) {
        // In-flight attempts past the grace period are abandoned (at-least-once
        // redelivers them); their deliverers are stopped hard.
        for (auto& [id, entry] : self->state.hooks)
          if (entry.deliverer)
            self->send_exit(entry.deliverer, caf::exit_reason::kill);
      },
      [=](revoke_atom) { abandon(self, caf::none); },
  };
}

} // namespace

caf::actor spawn_partition_actor(caf::local_actor* parent, partition_args args) {
  return parent->spawn<caf::monitored>(partition_behavior, std::move(args));
}

} // namespace courier
