#include "actors/partition_actor.hpp"

#include "actors/delivery_actor.hpp"
#include "actors/exit_reason.hpp"
#include "actors/messages.hpp"
#include "actors/supervision.hpp"
#include "actors/unix_time.hpp"
#include "net/log.hpp"

#include <unordered_map>

namespace courier {

using namespace atoms;

namespace {

// What the partition keeps of a hook, running or passivated (then this is all it costs:
// the spec, with delivered_seq where its last deliverer stopped).
struct hook_entry {
  hook_spec spec;
  delivery_actor deliverer;
  std::uint64_t wakes_sent = 0; // to the running deliverer
  bool passivating = false;     // the deliverer said it passivates; its exit is normal
  bool wake_lost = false;       // ... but a wake-up reached it too late: start again
  bool passivated = false;      // no deliverer because it had nothing to send
  failure_history failures;     // its own (permanent): spend the restart budget
  failure_history outages;      // retryable: only lengthen the backoff
  bool restart_scheduled = false;
  bool deleted = false;
  bool rewinding = false; // spec.rewind_id is being applied: no deliverer until it is
};

struct partition_state {
  static inline const char* name = "courier.partition";

  partition_args args;
  restart_policy restarts;
  std::shared_ptr<partition_fence> fence;
  std::shared_ptr<spdlog::logger> log;
  std::unordered_map<hook_id, hook_entry> hooks;
  child_registry<hook_id> deliverers; // running delivery actors by hook
  jitter_source jitter;
  bool loading = false;
  bool reload_pending = false;
  bool releasing = false;
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using partition_impl = partition_actor_self::stateful_base<partition_state>;

bool should_run(const hook_spec& h) {
  return h.state == hook_state::active && h.quarantined_until_ms <= unix_ms();
}

void start_deliverer(partition_impl* self, hook_entry& entry) {
  auto& st = self->state;
  entry.passivated = false;
  entry.wakes_sent = 0;
  delivery_args args{st.args.ctx,     entry.spec,      st.args.lease.epoch,
                     st.fence,        st.args.flusher, caf::actor_cast<delivery_actor_parent>(self),
                     st.args.attempts};
  entry.deliverer = spawn_delivery_actor(self, std::move(args));
  st.deliverers.add(entry.deliverer, entry.spec.id);
}

void stop_deliverer(partition_impl* self, hook_entry& entry) {
  if (entry.deliverer)
    self->send(entry.deliverer, stop_atom::value);
}

void load(partition_impl* self) {
  auto& st = self->state;
  if (st.loading) {
    st.reload_pending = true;
    return;
  }
  st.loading = true;
  partition_actor_self me{self};
  st.args.ctx->db->load_hooks(st.args.lease.partition, [me](result<std::vector<hook_spec>> result) {
    caf::anon_send(me, loaded_atom::value, std::move(result));
  });
}

// Whether a hook without a deliverer has something to do: events after its cursor, or a
// failing head (whose retry schedule its deliverer keeps).
bool has_work(const hook_spec& h) {
  return h.last_seq > h.delivered_seq || h.head_attempts > 0;
}

void start_or_wait(partition_impl* self, hook_entry& entry) {
  if (should_run(entry.spec) && !has_work(entry.spec)) {
    entry.passivated = true; // a wake-up (NOTIFY or the backlog scan) starts it
  } else if (should_run(entry.spec)) {
    start_deliverer(self, entry);
  } else if (entry.spec.state == hook_state::active) { // quarantined: come back when it ends
    entry.restart_scheduled = true;
    auto wait = std::chrono::milliseconds{entry.spec.quarantined_until_ms - unix_ms()};
    self->delayed_send(self, wait, restart_atom::value, entry.spec.id);
  }
}

// The deliverer is gone: make every cursor it reported durable (a later flush of an
// older advance would move the rewound cursor forward again), then apply the rewind
// under this partition's lease.
void apply_rewind(partition_impl* self, hook_entry& entry) {
  auto& st = self->state;
  rewind_request req{entry.spec.rewind_id, entry.spec.id, st.args.lease.partition,
                     st.args.lease.epoch};
  auto store = st.args.ctx->db;
  partition_actor_self me{self};
  auto apply = [store, req, me] {
    store->apply_rewind(req, [me, hook = req.hook](result<void> r) {
      caf::anon_send(me, rewound_atom::value, hook, std::move(r));
    });
  };
  self->request(st.args.flusher, caf::infinite, flush_atom::value)
      .then([apply](bool) { apply(); },
            [me, hook = req.hook](caf::error& e) {
              caf::anon_send(
                  me, rewound_atom::value, hook,
                  result<void>{error{errc::retryable, "flushing cursors: " + caf::to_string(e)}});
            });
}

// A replay was asked for: stop the hook's deliverer (its attempt in flight finishes),
// then apply the rewind; a hook without one is rewound at once.
void begin_rewind(partition_impl* self, hook_entry& entry) {
  entry.rewinding = true;
  entry.passivated = false;
  entry.wake_lost = false;
  if (entry.deliverer)
    stop_deliverer(self, entry);
  else
    apply_rewind(self, entry);
}

// Brings running deliverers in line with the hooks as stored.
void reconcile(partition_impl* self, std::vector<hook_spec>& specs) {
  auto& st = self->state;
  std::unordered_map<hook_id, hook_spec> fresh;
  for (auto& h : specs)
    fresh.emplace(h.id, std::move(h));
  for (auto it = st.hooks.begin(); it != st.hooks.end();) {
    auto& entry = it->second;
    auto found = fresh.find(it->first);
    if (entry.rewinding) { // its rewind's end reloads it
      if (found != fresh.end())
        fresh.erase(found);
      ++it;
      continue;
    }
    if (found != fresh.end() && found->second.rewind_id != 0) {
      entry.spec = std::move(found->second);
      fresh.erase(it->first);
      begin_rewind(self, entry);
      ++it;
      continue;
    }
    if (found == fresh.end()) { // deleted
      stop_deliverer(self, entry);
      entry.deleted = true;
      if (!entry.deliverer) {
        it = st.hooks.erase(it);
        continue;
      }
    } else if (found->second.state != hook_state::active) { // paused or disabled
      stop_deliverer(self, entry);
      entry.spec = std::move(found->second);
    } else if (entry.deliverer) { // running: follow URL, secret and option changes
      if (entry.spec.url != found->second.url || entry.spec.secrets != found->second.secrets ||
          entry.spec.options != found->second.options) {
        entry.spec.url = found->second.url;
        entry.spec.secrets = found->second.secrets;
        entry.spec.options = found->second.options;
        self->send(entry.deliverer, hook_spec_atom::value, entry.spec);
      }
    } else if (!entry.restart_scheduled) { // passivated, resumed or restarting
      // A passivated deliverer may have delivered past the durable cursor (the flusher
      // writes it a moment later): start from whichever is further.
      auto known = entry.passivated ? entry.spec.delivered_seq : stream_seq{};
      entry.spec = std::move(found->second);
      entry.spec.delivered_seq = std::max(entry.spec.delivered_seq, known);
      start_or_wait(self, entry);
    }
    fresh.erase(it->first);
    ++it;
  }
  for (auto& [id, spec] : fresh) {
    auto& entry = st.hooks[id];
    entry.spec = std::move(spec);
    if (entry.spec.rewind_id != 0)
      begin_rewind(self, entry);
    else
      start_or_wait(self, entry);
  }
}

void finish_release_if_idle(partition_impl* self) {
  auto& st = self->state;
  if (!st.releasing || !st.deliverers.empty())
    return;
  // Every deliverer has reported its last success: make those cursors durable
  // before the lease goes, so the next owner starts exactly where we stopped.
  self->request(st.args.flusher, caf::infinite, flush_atom::value)
      .then([=](bool) { self->quit(); }, [=](caf::error&) { self->quit(); });
}

// Stops every deliverer at once (no grace: the lease is gone, no longer ours, or this
// actor is failing and its deliverers must not outlive it) and exits with `reason`.
void abandon(partition_impl* self, const caf::error& reason) {
  auto& st = self->state;
  st.fence->revoked = true;
  for (auto& [id, entry] : st.hooks)
    if (entry.deliverer)
      self->send_exit(entry.deliverer, caf::exit_reason::kill);
  self->quit(reason);
}

// A deliverer has ended: forget it, drop the partition when it was fenced, or restart
// it (with backoff; quarantined when it keeps failing by its own fault) if its hook
// should still run.
void on_deliverer_down(partition_impl* self, hook_id hook, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.hooks.find(hook);
  if (it == st.hooks.end())
    return finish_release_if_idle(self);
  auto& entry = it->second;
  entry.deliverer = nullptr;
  if (st.releasing)
    return finish_release_if_idle(self);
  if (entry.deleted) {
    st.hooks.erase(it);
    return;
  }
  if (entry.rewinding && (!reason || failure_of(reason).code != errc::fenced)) {
    entry.passivating = false;
    return apply_rewind(self, entry);
  }
  if (entry.passivating && !reason) {
    entry.passivating = false;
    if (entry.spec.state == hook_state::active && entry.wake_lost)
      start_deliverer(self, entry);
    else
      entry.passivated = true;
    return;
  }
  entry.passivating = false;
  if (entry.spec.state != hook_state::active)
    return;
  if (!reason) { // it stopped itself after disabling the hook (410 Gone)
    load(self);
    return;
  }
  auto failure = failure_of(reason);
  if (failure.code == errc::fenced) {
    // A write under our epoch was refused: another node owns the partition now. The
    // node supervisor reads the same class from our exit and hands the lease back.
    st.log->warn("partition {}: {}; stopping its deliveries", raw(st.args.lease.partition),
                 failure.message);
    return abandon(self, reason);
  }
  // A failure: restart with backoff. Only failures of the hook's own (permanent: bad
  // data, a bug) spend its restart budget; a retryable one (the store unreachable) is no
  // fault of the hook and only waits for the backoff.
  auto& ctx = *st.args.ctx;
  auto now = failure_history::clock::now();
  auto decision = failure.code == errc::permanent
                      ? st.restarts.on_failure(entry.failures, now, st.jitter.next())
                      : st.restarts.backoff_only(entry.outages, now, st.jitter.next());
  ctx.metrics->of_type(actor_type::delivery).restarts->Increment();
  entry.restart_scheduled = true;
  if (decision.quarantine) {
    auto until = unix_ms() + decision.delay.count();
    auto why = "quarantined after " + std::to_string(decision.failures) +
               " failures: " + to_string(failure);
    st.log->warn("hook {} {}; retrying in {} ms", raw(hook), why, decision.delay.count());
    ctx.metrics->quarantined().Increment();
    ctx.db->set_quarantine(hook, until, why, log_if_failed(st.log, "recording a quarantine"));
  } else {
    st.log->warn("delivery actor of hook {} failed ({}); restart {} in {} ms", raw(hook),
                 to_string(failure), decision.failures, decision.delay.count());
  }
  self->delayed_send(self, decision.delay, restart_atom::value, hook);
}

void restart(partition_impl* self, hook_id hook) {
  auto& st = self->state;
  auto it = st.hooks.find(hook);
  if (it == st.hooks.end() || st.releasing)
    return;
  auto& entry = it->second;
  entry.restart_scheduled = false;
  if (entry.deliverer || entry.rewinding || entry.spec.state != hook_state::active)
    return;
  if (entry.spec.quarantined_until_ms > 0) {
    entry.spec.quarantined_until_ms = 0;
    st.args.ctx->db->set_quarantine(hook, 0, "", log_if_failed(st.log, "lifting a quarantine"));
  }
  load(self); // reconcile starts it from the durable cursor
}

partition_actor_self::behavior_type partition_behavior(partition_impl* self, partition_args args) {
  auto& st = self->state;
  self->set_exception_handler(exception_to_error);
  st.log = net::logger("dispatch");
  st.fence = std::make_shared<partition_fence>();
  st.fence->clock = args.ctx->clock;
  st.args = std::move(args);
  st.restarts = st.args.ctx->restarts();
  watch_children(self, st.deliverers, [self](hook_id hook, const caf::error& reason) {
    on_deliverer_down(self, hook, reason);
  });
  self->attach_functor([fence = st.fence] { fence->revoked = true; });
  load(self);
  st.probe = actor_probe{self, st.args.ctx->metrics->of_type(actor_type::partition)};
  return instrumented<partition_actor_self::behavior_type>(
      st.probe,
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
          load(self);                        // a hook created after our last load
        } else if (it->second.passivating) { // it is exiting: start it again once it has
          it->second.wake_lost = true;
        } else if (it->second.deliverer) {
          ++it->second.wakes_sent;
          self->send(it->second.deliverer, wake_atom::value);
        } else if (it->second.passivated && !it->second.rewinding && should_run(it->second.spec)) {
          start_deliverer(self, it->second);
        }
      },
      [=](passivated_atom, hook_id hook, stream_seq delivered, std::uint64_t wakes_seen) {
        auto it = self->state.hooks.find(hook);
        if (it == self->state.hooks.end())
          return;
        auto& entry = it->second;
        entry.spec.delivered_seq = std::max(entry.spec.delivered_seq, delivered);
        entry.spec.last_seq = std::max(entry.spec.last_seq, delivered);
        entry.spec.head_attempts = 0;
        entry.passivating = true;
        entry.wake_lost = wakes_seen != entry.wakes_sent;
      },
      [=](rewound_atom, hook_id hook, result<void>& r) {
        auto& st = self->state;
        auto it = st.hooks.find(hook);
        if (st.releasing || it == st.hooks.end())
          return;
        if (!r.ok() && r.error().code == errc::fenced) {
          st.log->warn("partition {}: {}; stopping its deliveries", raw(st.args.lease.partition),
                       r.error().message);
          st.args.ctx->metrics->fenced_writes().Increment();
          return abandon(self, exit_reason(r.error()));
        }
        auto& entry = it->second;
        entry.rewinding = false;
        if (!r.ok()) { // the reload finds the rewind still pending and tries again
          st.log->warn("hook {}: applying a replay failed ({}); retrying", raw(hook),
                       to_string(r.error()));
          self->delayed_send(self, std::chrono::seconds{1}, hooks_changed_atom::value);
          return;
        }
        st.log->info("hook {}: replaying from seq {}", raw(hook), raw(entry.spec.rewind_from));
        // Start from the durable (rewound) cursor, not where a passivated deliverer was.
        entry.passivated = false;
        load(self);
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
        self->delayed_send(self, st.args.ctx->cfg.shutdown_grace, grace_over_atom::value);
        finish_release_if_idle(self);
      },
      [=](grace_over_atom) {
        // In-flight attempts past the grace period are abandoned (at-least-once
        // redelivers them); their deliverers are stopped hard.
        for (auto& [id, entry] : self->state.hooks)
          if (entry.deliverer)
            self->send_exit(entry.deliverer, caf::exit_reason::kill);
      },
      [=](revoke_atom) { abandon(self, caf::none); });
}

} // namespace

partition_actor spawn_partition_actor(caf::local_actor* parent, partition_args args) {
  return parent->spawn<caf::monitored>(partition_behavior, std::move(args));
}

} // namespace courier
