#include "actors/lease_keeper.hpp"

#include "actors/exit_reason.hpp"
#include "actors/messages.hpp"
#include "actors/policy/balance.hpp"
#include "actors/supervision.hpp"
#include "net/log.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <random>
#include <set>

namespace courier {

using namespace atoms;

namespace {

struct keeper_state {
  static inline const char* name = "courier.lease_keeper";

  std::shared_ptr<const node_context> ctx;
  std::unique_ptr<lease_store> leases;
  lease_keeper_parent parent;
  std::shared_ptr<spdlog::logger> log;
  std::map<partition_id, lease_epoch> held;
  std::set<partition_id> releasing; // asked the supervisor to hand over
  bool draining = false;
  bool drained = false;
  backoff reconnect;    // after a failed tick: the connection is gone
  int failed_ticks = 0; // in a row
  jitter_source jitter;
  lease_clock::clock::time_point session_opened{}; // when the lease session last opened
  bool waiting_logged = false;                     // once per session
  std::mt19937 rng{std::random_device{}()};        // picks which unowned partitions to try
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using keeper_actor = lease_keeper_self::stateful_base<keeper_state>;

void lose_everything(keeper_actor* self, const error& why) {
  auto& st = self->state;
  st.ctx->clock->invalidate();
  st.ctx->metrics->lease_valid().Set(0);
  st.leases->close();
  if (!st.held.empty()) {
    st.log->warn("lost all {} partition leases: {}", st.held.size(), to_string(why));
    st.ctx->metrics->leases_lost().Increment();
    self->send(st.parent, leases_lost_atom::value);
  } else {
    st.log->warn("lease connection failed: {}", to_string(why));
  }
  st.held.clear();
  st.releasing.clear();
  st.ctx->metrics->partitions_held().Set(0);
}

// A failed session call: the leases are gone whatever the class. A retryable failure is
// survived (the next tick reopens); any other cannot heal by reopening, so the keeper
// fails and takes the node (linked) with it. Returns whether the keeper lives on.
bool survive(keeper_actor* self, const error& failure) {
  lose_everything(self, failure);
  if (failure.code == errc::retryable)
    return true;
  self->quit(exit_reason(failure));
  return false;
}

void request_release(keeper_actor* self, partition_id partition) {
  auto& st = self->state;
  if (st.releasing.insert(partition).second)
    self->send(st.parent, release_atom::value, partition);
}

void finish_drain_if_done(keeper_actor* self) {
  auto& st = self->state;
  if (!st.draining || st.drained || !st.held.empty())
    return;
  st.drained = true;
  if (st.leases->is_open()) {
    // The node is leaving either way; peers forget its row once it ages out.
    auto deregistered = st.leases->deregister();
    if (!deregistered.ok())
      st.log->warn("deregistering: {}", to_string(deregistered.error()));
  }
  st.leases->close();
  st.ctx->clock->invalidate();
  self->send(st.parent, drained_atom::value);
  self->quit();
}

// Partitions taken from a dead node: the failover a user sees, measured from the
// dead node's last heartbeat to this acquisition (delivery resumes right after).
void report_takeovers(keeper_state& st, const std::vector<lease_grant>& grants) {
  std::map<std::string, std::pair<int, std::int64_t>> by_node;
  for (const auto& g : grants)
    if (!g.taken_from.empty()) {
      auto& [count, silent] = by_node[g.taken_from];
      ++count;
      silent = std::max(silent, g.holder_silent_ms);
      st.ctx->metrics->takeover_gap().Observe(static_cast<double>(g.holder_silent_ms) / 1000.0);
    }
  for (const auto& [node, info] : by_node)
    st.log->warn("took over {} partitions from node {} (silent for {} ms before the takeover)",
                 info.first, node, info.second);
}

// The partitions this node may try to take now. A session younger than the self-expiry
// may have been opened on a server that lost every lock at once (a restart or a
// failover): the nodes named in orphaned lease rows may then still be sending on their
// old leases until their fences close, at most a self-expiry after the locks went. So
// their partitions wait until this session is that old (peers are assumed to use the
// same lease_self_expiry_ms). An older session saw the locks go one by one, each only
// when its holder had died or had been silent past its self-expiry.
std::vector<partition_id> takeable(keeper_state& st, const cluster_view& view) {
  auto expiry = st.ctx->cfg.lease_self_expiry;
  auto age = lease_clock::clock::now() - st.session_opened;
  if (age >= expiry || view.orphaned.empty())
    return view.unowned;
  if (!st.waiting_logged) {
    st.waiting_logged = true;
    st.log->info("fresh lease session: leaving {} partitions of other nodes alone for {} ms, "
                 "until their old owners' self-expiry has surely passed",
                 view.orphaned.size(),
                 std::chrono::duration_cast<std::chrono::milliseconds>(expiry - age).count());
  }
  std::vector<partition_id> out;
  std::set_difference(view.unowned.begin(), view.unowned.end(), view.orphaned.begin(),
                      view.orphaned.end(), std::back_inserter(out));
  return out;
}

result<void> balance(keeper_actor* self, const cluster_view& view) {
  auto& st = self->state;
  const auto& cfg = st.ctx->cfg;
  // Leases the lock manager says we no longer hold are gone (an operator unlocked
  // them, or the session was replaced): stop delivering for them at once.
  std::set<partition_id> truly_held(view.held_by_me.begin(), view.held_by_me.end());
  for (auto it = st.held.begin(); it != st.held.end();) {
    if (truly_held.count(it->first) == 0) {
      st.log->warn("partition {} lease is no longer held by this session", raw(it->first));
      self->send(st.parent, revoke_atom::value, it->first);
      st.releasing.erase(it->first);
      it = st.held.erase(it);
    } else {
      ++it;
    }
  }
  if (st.draining) {
    for (auto& [p, epoch] : st.held)
      request_release(self, p);
    return {};
  }
  auto target = fair_share(view.live_nodes, cfg.node_id, cfg.partitions);
  auto keeping = static_cast<int>(st.held.size() - st.releasing.size());
  if (keeping > target) {
    // Hand over the surplus, highest partitions first (any choice works; a stable one
    // avoids churn when views disagree for a tick).
    int surplus = keeping - target;
    for (auto it = st.held.rbegin(); it != st.held.rend() && surplus > 0; ++it)
      if (st.releasing.count(it->first) == 0) {
        request_release(self, it->first);
        --surplus;
      }
    st.log->info("rebalancing: handing over {} partitions (target {} of {} across {} nodes)",
                 keeping - target, target, cfg.partitions, view.live_nodes.size());
  } else if (static_cast<int>(st.held.size()) < target && !view.unowned.empty()) {
    auto candidates = takeable(st, view);
    std::shuffle(candidates.begin(), candidates.end(), st.rng);
    candidates.resize(
        std::min(candidates.size(), static_cast<std::size_t>(target - st.held.size())));
    auto acquired = st.leases->acquire(candidates);
    if (!acquired.ok())
      return acquired.error();
    const auto& grants = acquired.value();
    for (const auto& g : grants) {
      st.held[g.partition] = g.epoch;
      self->send(st.parent, acquired_atom::value, g);
    }
    report_takeovers(st, grants);
    if (!grants.empty()) {
      st.ctx->metrics->leases_acquired().Increment(static_cast<double>(grants.size()));
      st.log->info("acquired {} partitions (now {} of target {}; {} live nodes)", grants.size(),
                   st.held.size(), target, view.live_nodes.size());
    }
  }
  return {};
}

// One heartbeat: (re)open the session, confirm it, follow the cluster's view.
result<void> beat(keeper_actor* self) {
  auto& st = self->state;
  const auto& cfg = st.ctx->cfg;
  if (!st.leases->is_open()) {
    auto opened = st.leases->open();
    if (!opened.ok())
      return opened;
    st.session_opened = lease_clock::clock::now();
    st.waiting_logged = false;
    if (st.failed_ticks > 0)
      st.log->info("lease connection re-established");
    st.failed_ticks = 0;
  }
  auto sent_at = lease_clock::clock::now();
  auto view = st.leases->heartbeat(cfg.lease_self_expiry, cfg.lease_self_expiry * 2);
  if (!view.ok())
    return view.error();
  // Confirmed: our session, and so every advisory lock it holds, was alive at
  // sent_at. Nobody can take them over before sent_at + self-expiry.
  st.ctx->clock->confirm(sent_at, cfg.lease_self_expiry);
  st.ctx->metrics->lease_valid().Set(1);
  if (view.value().terminated_stale > 0)
    st.log->warn("ended the lease sessions of {} unresponsive node(s)",
                 view.value().terminated_stale);
  auto balanced = balance(self, view.value());
  st.ctx->metrics->partitions_held().Set(static_cast<double>(st.held.size()));
  return balanced;
}

void tick(keeper_actor* self) {
  auto& st = self->state;
  const auto& cfg = st.ctx->cfg;
  auto next = cfg.lease_tick;
  auto beaten = beat(self);
  if (!beaten.ok()) {
    if (!survive(self, beaten.error()))
      return;
    next = st.reconnect.delay(++st.failed_ticks, st.jitter.next());
  }
  finish_drain_if_done(self);
  if (!st.drained)
    self->delayed_send(self, next, tick_atom::value);
}

lease_keeper_self::behavior_type keeper_behavior(keeper_actor* self,
                                                 std::shared_ptr<const node_context> ctx,
                                                 std::unique_ptr<lease_store> leases,
                                                 lease_keeper_parent parent) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.leases = std::move(leases);
  // Twice the tick doubling to 5 s: every node of the cluster reconnects to the same
  // Postgres after it restarts, hence the jitter.
  st.reconnect = backoff{st.ctx->cfg.lease_tick * 2, 2.0, std::chrono::seconds{5}, 0.2};
  st.parent = std::move(parent);
  st.log = net::logger("lease");
  self->send(self, tick_atom::value);
  st.probe = actor_probe{self, st.ctx->metrics->of_type(actor_type::lease_keeper)};
  return instrumented<lease_keeper_self::behavior_type>(
      st.probe, [=](tick_atom) { tick(self); },
      [=](released_atom, partition_id partition) {
        auto& st = self->state;
        st.releasing.erase(partition);
        if (st.held.erase(partition) == 0)
          return finish_drain_if_done(self);
        auto released = st.leases->release({partition});
        if (!released.ok() && !survive(self, released.error()))
          return;
        if (released.ok())
          st.log->debug("released partition {}", raw(partition));
        st.ctx->metrics->partitions_held().Set(static_cast<double>(st.held.size()));
        finish_drain_if_done(self);
      },
      [=](drain_atom) {
        auto& st = self->state;
        if (st.draining)
          return;
        st.draining = true;
        st.log->info("draining: handing over {} partitions", st.held.size());
        if (st.leases->is_open()) {
          auto marked = st.leases->mark_stopping();
          if (!marked.ok() && !survive(self, marked.error()))
            return;
        }
        for (auto& [p, epoch] : st.held)
          request_release(self, p);
        finish_drain_if_done(self);
      });
}

} // namespace

lease_keeper spawn_lease_keeper(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                std::unique_ptr<lease_store> leases, lease_keeper_parent parent) {
  return sys.spawn<caf::detached>(keeper_behavior, std::move(ctx), std::move(leases),
                                  std::move(parent));
}

} // namespace courier
