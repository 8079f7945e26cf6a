#include "runtime/pg_cluster_stats.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace courier {

namespace {

// Every hook once, with its state as courier.hook_status shows it (blocked split from
// active) and its committed, undelivered events.
constexpr const char* hooks_sql = R"(
  SELECT count(*) FILTER (WHERE state = 'active'),
         count(*) FILTER (WHERE state = 'blocked'),
         count(*) FILTER (WHERE state = 'quarantined'),
         count(*) FILTER (WHERE state = 'paused'),
         count(*) FILTER (WHERE state = 'disabled'),
         coalesce(sum(backlog) FILTER (WHERE state IN ('active', 'blocked', 'quarantined')), 0)
    FROM (SELECT CASE WHEN h.state <> 'active' THEN h.state
                      WHEN c.quarantined_until > now() THEN 'quarantined'
                      WHEN c.head_attempts > 0 THEN 'blocked'
                      ELSE 'active' END AS state,
                 greatest(s.next_seq - 1 - c.delivered_seq, 0) AS backlog
            FROM courier.hooks h
            JOIN courier.streams s ON s.hook_id = h.id
            JOIN courier.cursors c ON c.hook_id = h.id) hooks)";

// Active hooks with a backlog, oldest waiting event first: the streams ahead of their
// cursors from the two narrow tables first, then only those hooks' state and head event
// by key (index lookups, never joining whole outbox partitions or every hook: planned
// from stale statistics, the three-way join took 120 ms at 100,000 hooks).
constexpr const char* lagging_sql = R"(
  WITH behind AS MATERIALIZED (
    SELECT c.hook_id, c.delivered_seq, s.next_seq - 1 - c.delivered_seq AS backlog,
           c.head_attempts
      FROM courier.cursors c JOIN courier.streams s ON s.hook_id = c.hook_id
     WHERE s.next_seq - 1 > c.delivered_seq)
  SELECT l.hook_id, l.backlog, l.head_attempts,
         greatest(extract(epoch FROM now() - (
           SELECT e.emitted_at FROM courier.outbox o JOIN courier.events e ON e.id = o.event_id
            WHERE o.hook_id = l.hook_id AND o.seq = l.delivered_seq + 1)), 0)::float8 AS age
    FROM behind l
   WHERE (SELECT state FROM courier.hooks WHERE id = l.hook_id) = 'active'
   ORDER BY age DESC NULLS LAST
   LIMIT $1)";

// Live nodes by the lease keeper's rule (heartbeat recent, not stopping, lease session
// connected) and partition ownership from the lock manager.
constexpr const char* cluster_sql = R"(
  SELECT (SELECT count(*) FROM courier.dead_letters WHERE replayed_at IS NULL),
         (SELECT count(*) FROM courier.nodes n
           WHERE NOT n.stopping AND n.heartbeat_at >= now() - make_interval(secs => $1 / 1000.0)
             AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = n.lease_pid))::int,
         coalesce((SELECT partitions FROM courier.settings), 0),
         (SELECT count(DISTINCT partition) FROM courier.lease_locks)::int)";

} // namespace

pg_cluster_stats::pg_cluster_stats(std::shared_ptr<pg_pool> pool,
                                   std::chrono::milliseconds live_within)
    : pool_(std::move(pool)), live_within_(live_within) {}

void pg_cluster_stats::read(int top_hooks, callback<cluster_stats> done) {
  const auto live_within_ms = static_cast<long long>(live_within_.count());
  pool_->run<cluster_stats>(
      [top_hooks, live_within_ms](pqxx::connection& conn) {
        pqxx::read_transaction tx{conn};
        tx.exec("SET LOCAL statement_timeout = '2s'");
        tx.exec("SET LOCAL lock_timeout = '500ms'");
        cluster_stats s;
        auto hooks = tx.exec(hooks_sql)[0];
        s.hooks = {hooks[0].as<std::int64_t>(), hooks[1].as<std::int64_t>(),
                   hooks[2].as<std::int64_t>(), hooks[3].as<std::int64_t>(),
                   hooks[4].as<std::int64_t>()};
        s.backlog_events = hooks[5].as<std::int64_t>();
        // At least one row: the first is the overall oldest even when no hook is exported.
        auto lagging = tx.exec_params(lagging_sql, std::max(top_hooks, 1));
        for (const auto& row : lagging) {
          hook_lag lag{hook_id{row[0].as<std::int64_t>()},
                       row[3].is_null() ? 0 : row[3].as<double>(), row[1].as<std::int64_t>(),
                       row[2].as<int>()};
          s.oldest_undelivered_seconds =
              std::max(s.oldest_undelivered_seconds, lag.oldest_undelivered_seconds);
          if (static_cast<int>(s.most_lagging.size()) < top_hooks)
            s.most_lagging.push_back(lag);
        }
        auto cluster = tx.exec_params(cluster_sql, live_within_ms)[0];
        s.dead_letters = cluster[0].as<std::int64_t>();
        s.live_nodes = cluster[1].as<int>();
        s.partitions = cluster[2].as<int>();
        s.partitions_owned = cluster[3].as<int>();
        return s;
      },
      std::move(done));
}

} // namespace courier
