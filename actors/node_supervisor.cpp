#include "actors/node_supervisor.hpp"

#include "actors/attempt_logger.hpp"
#include "actors/cursor_flusher.hpp"
#include "actors/exit_reason.hpp"
#include "actors/lease_keeper.hpp"
#include "actors/messages.hpp"
#include "actors/notification_listener.hpp"
#include "actors/partition_actor.hpp"
#include "actors/supervision.hpp"
#include "net/log.hpp"

#include <map>

namespace courier {

using namespace atoms;

namespace {

// How often a node creates outbox partitions ahead and drops delivered ones.
constexpr std::chrono::seconds outbox_maintenance_interval{60};

struct running_partition {
  lease_grant lease;
  partition_actor actor;
  bool releasing = false;
  failure_history failures;
};

struct supervisor_state {
  static inline const char* name = "courier.node_supervisor";

  std::shared_ptr<const node_context> ctx;
  std::shared_ptr<spdlog::logger> log;
  restart_policy restarts;
  jitter_source jitter;
  lease_keeper keeper;
  notification_listener listener;
  cursor_flusher flusher;
  attempt_logger attempts; // none when attempt_log is off
  std::map<partition_id, running_partition> partitions;
  child_registry<partition_id> running; // partition actors by partition
  bool stopping = false;
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using supervisor_actor = node_supervisor_self::stateful_base<supervisor_state>;

void publish_partitions(supervisor_actor* self) {
  auto& st = self->state;
  std::vector<partition_id> held;
  for (auto& [p, rp] : st.partitions)
    held.push_back(p);
  self->send(st.listener, held_partitions_atom::value, std::move(held));
}

void start_partition(supervisor_actor* self, running_partition& rp) {
  auto& st = self->state;
  rp.actor = spawn_partition_actor(self, {st.ctx, rp.lease, st.flusher, st.attempts});
  st.running.add(rp.actor, rp.lease.partition);
}

// The partition's actor is gone and its cursors are flushed: the lease may go.
void hand_over(supervisor_actor* self, partition_id partition) {
  auto& st = self->state;
  st.partitions.erase(partition);
  self->send(st.keeper, released_atom::value, partition);
  publish_partitions(self);
}

void revoke(supervisor_actor* self, partition_id partition) {
  auto& st = self->state;
  auto it = st.partitions.find(partition);
  if (it == st.partitions.end())
    return;
  if (it->second.actor) {
    st.running.forget(it->second.actor.address());
    self->send(it->second.actor, revoke_atom::value);
  }
  st.partitions.erase(it);
}

// A write under the partition's current epoch was refused: another node owns it now.
// Stop delivering for it at once and let the keeper release what is left of the lease.
void drop_fenced(supervisor_actor* self, partition_id partition) {
  auto& st = self->state;
  st.log->warn("partition {} is fenced by a newer lease; stopping its deliveries", raw(partition));
  revoke(self, partition);
  self->send(st.keeper, released_atom::value, partition);
  publish_partitions(self);
}

void on_partition_down(supervisor_actor* self, partition_id partition, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.partitions.find(partition);
  if (it == st.partitions.end())
    return; // revoked: already forgotten
  auto& rp = it->second;
  rp.actor = nullptr;
  if (rp.releasing)
    return hand_over(self, partition);
  auto failure = failure_of(reason);
  if (failure.code == errc::fenced)
    return drop_fenced(self, partition);
  // A failed partition actor (its deliverers died with it): same lease, new actor, after
  // the restart backoff, whatever the class. Never quarantined: its lease would sit idle
  // on this node.
  auto decision =
      st.restarts.backoff_only(rp.failures, failure_history::clock::now(), st.jitter.next());
  st.ctx->metrics->of_type(actor_type::partition).restarts->Increment();
  st.log->warn("partition actor {} failed ({}); restarting in {} ms", raw(partition),
               to_string(failure), decision.delay.count());
  self->delayed_send(self, decision.delay, restart_atom::value, partition);
}

node_supervisor_self::behavior_type supervisor_behavior(supervisor_actor* self,
                                                        std::shared_ptr<const node_context> ctx,
                                                        node_parts parts) {
  auto& st = self->state;
  st.ctx = ctx;
  st.log = net::logger("node");
  st.restarts = ctx->restarts();
  node_supervisor_self me{self};
  st.flusher = spawn_cursor_flusher(self->system(), ctx, me);
  st.listener =
      spawn_notification_listener(self->system(), ctx, std::move(parts.notifications), me);
  st.keeper = spawn_lease_keeper(self->system(), ctx, std::move(parts.leases), me);
  // The helpers die with the supervisor, whatever the reason.
  self->link_to(st.flusher);
  self->link_to(st.listener);
  self->link_to(st.keeper);
  if (ctx->cfg.attempt_log) {
    st.attempts = spawn_attempt_logger(self->system(), ctx);
    self->link_to(st.attempts);
  }
  watch_children(self, st.running, [self](partition_id partition, const caf::error& reason) {
    on_partition_down(self, partition, reason);
  });
  self->send(self, maintain_atom::value);
  st.probe = actor_probe{self, ctx->metrics->of_type(actor_type::node_supervisor)};
  return instrumented<node_supervisor_self::behavior_type>(
      st.probe,
      [=](acquired_atom, const lease_grant& g) {
        auto& st = self->state;
        auto& rp = st.partitions[g.partition];
        rp = running_partition{g, {}, false, {}};
        start_partition(self, rp);
        publish_partitions(self);
      },
      [=](release_atom, partition_id partition) {
        auto& st = self->state;
        auto it = st.partitions.find(partition);
        if (it == st.partitions.end()) {
          self->send(st.keeper, released_atom::value, partition);
          return;
        }
        it->second.releasing = true;
        if (it->second.actor)
          self->send(it->second.actor, release_atom::value);
        else // crashed and waiting for a restart: nothing runs, hand it over now
          hand_over(self, partition);
      },
      [=](restart_atom, partition_id partition) {
        auto& st = self->state;
        auto it = st.partitions.find(partition);
        if (it == st.partitions.end() || it->second.actor)
          return;
        if (it->second.releasing)
          return hand_over(self, partition);
        start_partition(self, it->second);
      },
      [=](revoke_atom, partition_id partition) {
        revoke(self, partition);
        publish_partitions(self);
      },
      [=](leases_lost_atom) {
        auto& st = self->state;
        std::vector<partition_id> all;
        for (auto& [p, rp] : st.partitions)
          all.push_back(p);
        for (auto p : all)
          revoke(self, p);
        publish_partitions(self);
      },
      [=](fenced_atom, partition_id partition, lease_epoch epoch) {
        // A newer epoch exists: someone else owns it now. Stop at once -- unless we
        // hold it again under a newer epoch and the rejected write was a leftover.
        auto& st = self->state;
        auto it = st.partitions.find(partition);
        if (it == st.partitions.end() || it->second.lease.epoch != epoch)
          return;
        drop_fenced(self, partition);
      },
      [=](wakeups_atom, std::vector<wakeup>& batch) {
        auto& st = self->state;
        for (const auto& w : batch) {
          auto it = st.partitions.find(w.partition);
          if (it == st.partitions.end() || !it->second.actor)
            continue;
          if (w.hook)
            self->send(it->second.actor, wake_atom::value, *w.hook);
          else
            self->send(it->second.actor, hooks_changed_atom::value);
        }
      },
      [=](shutdown_atom) {
        auto& st = self->state;
        if (st.stopping)
          return;
        st.stopping = true;
        st.log->info("shutting down: handing over {} partitions", st.partitions.size());
        self->send(st.keeper, drain_atom::value);
      },
      [=](maintain_atom) {
        // Outbox rotation: every node asks; the SQL serialises and skips what is done.
        auto& st = self->state;
        if (st.stopping)
          return;
        node_supervisor_self me{self};
        st.ctx->db->maintain_outbox([me](result<outbox_maintenance> r) {
          caf::anon_send(me, maintained_atom::value, std::move(r));
        });
      },
      [=](maintained_atom, result<outbox_maintenance>& r) {
        auto& st = self->state;
        // Whatever the class, delivery must not stop for want of rotation: a failure
        // is logged and tried again at the next interval (every node asks anyway).
        if (!r.ok())
          st.log->warn("outbox maintenance failed ({}); trying again later", to_string(r.error()));
        else if (r.value().created > 0 || r.value().dropped > 0)
          st.log->info("outbox maintenance: {} partitions created ahead, {} delivered ones dropped",
                       r.value().created, r.value().dropped);
        self->delayed_send(self, outbox_maintenance_interval, maintain_atom::value);
      },
      [=](drained_atom) {
        auto& st = self->state;
        // Every partition actor flushed before its release; one last flush covers
        // anything reported since. The helpers are told to stop explicitly: a
        // normal exit does not propagate over links.
        auto finish = [=] {
          self->send_exit(self->state.listener, caf::exit_reason::user_shutdown);
          self->send_exit(self->state.flusher, caf::exit_reason::user_shutdown);
          if (self->state.attempts)
            self->send_exit(self->state.attempts, caf::exit_reason::user_shutdown);
          self->quit();
        };
        // The attempt log gets a moment to write its last records; it never holds the
        // exit back for long (a store that is gone would keep it waiting).
        auto flush_attempts = [=] {
          if (!self->state.attempts)
            return finish();
          self->request(self->state.attempts, std::chrono::seconds{2}, flush_atom::value)
              .then([=](bool) { finish(); }, [=](caf::error&) { finish(); });
        };
        self->request(st.flusher, caf::infinite, flush_atom::value)
            .then([=](bool) { flush_attempts(); }, [=](caf::error&) { flush_attempts(); });
      });
}

} // namespace

node_supervisor spawn_node_supervisor(caf::actor_system& sys,
                                      std::shared_ptr<const node_context> ctx, node_parts parts) {
  return sys.spawn(supervisor_behavior, std::move(ctx), std::move(parts));
}

} // namespace courier
