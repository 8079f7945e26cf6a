// The cluster gauges' source (runtime/pg_cluster_stats) against a real database set up
// by hand, no node running: hooks in every state, aged backlogs, dead letters, node
// registry rows and held partition locks, each counted the way the gauges promise.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/pg_cluster_stats.hpp"

#include <pqxx/pqxx>

#include <future>

namespace courier::test {
namespace {

class cluster_stats_read : public pg_test {
protected:
  cluster_stats read(int top_hooks) {
    pg_cluster_stats source{std::make_shared<pg_pool>(db_, 1, "cluster-stats-test"), 5s};
    std::promise<result<cluster_stats>> answer;
    source.read(top_hooks, [&](result<cluster_stats> r) { answer.set_value(std::move(r)); });
    auto r = answer.get_future().get();
    EXPECT_TRUE(r.ok()) << to_string(r.error());
    return r.ok() ? r.value() : cluster_stats{};
  }

  void sql(const std::string& statement) { pg_instance::exec_scalar(db_, statement); }

  // The hook's undelivered events were emitted `seconds` ago.
  void age(std::int64_t hook_id, int seconds) {
    sql("UPDATE courier.events SET emitted_at = now() - interval '" + std::to_string(seconds) +
        " seconds' WHERE id IN (SELECT event_id FROM courier.outbox WHERE hook_id = " +
        std::to_string(hook_id) + ")");
  }
};

TEST_F(cluster_stats_read, counts_hooks_by_state_and_the_backlog_of_active_ones) {
  hook("idle");
  const auto old_lag = hook("old");
  const auto new_lag = hook("new");
  const auto paused = hook("paused");
  const auto disabled = hook("disabled");
  const auto quarantined = hook("quarantined");
  const auto blocked = hook("blocked");
  emit_numbered_to(db_, old_lag, "t", 3);
  emit_numbered_to(db_, new_lag, "t", 1);
  emit_numbered_to(db_, paused, "t", 2);
  emit_numbered_to(db_, disabled, "t", 4);
  emit_numbered_to(db_, quarantined, "t", 1);
  emit_numbered_to(db_, blocked, "t", 1);
  age(old_lag, 100);
  age(new_lag, 10);
  age(blocked, 5);
  sql("UPDATE courier.hooks SET state = 'paused' WHERE id = " + std::to_string(paused));
  sql("UPDATE courier.hooks SET state = 'disabled' WHERE id = " + std::to_string(disabled));
  sql("UPDATE courier.cursors SET quarantined_until = now() + interval '1 minute' "
      "WHERE hook_id = " +
      std::to_string(quarantined));
  sql("UPDATE courier.cursors SET head_attempts = 2 WHERE hook_id = " + std::to_string(blocked));

  const auto s = read(2);
  EXPECT_EQ(s.hooks.active, 3); // idle, old, new
  EXPECT_EQ(s.hooks.blocked, 1);
  EXPECT_EQ(s.hooks.quarantined, 1);
  EXPECT_EQ(s.hooks.paused, 1);
  EXPECT_EQ(s.hooks.disabled, 1);
  // Paused and disabled hooks are not waiting on Courier: their events are not backlog.
  EXPECT_EQ(s.backlog_events, 3 + 1 + 1 + 1);
  ASSERT_EQ(s.most_lagging.size(), 2u);
  EXPECT_EQ(s.most_lagging[0].hook, hook_id{old_lag});
  EXPECT_EQ(s.most_lagging[0].backlog, 3);
  EXPECT_EQ(s.most_lagging[0].head_attempts, 0);
  EXPECT_NEAR(s.most_lagging[0].oldest_undelivered_seconds, 100, 5);
  EXPECT_EQ(s.most_lagging[1].hook, hook_id{new_lag});
  EXPECT_NEAR(s.most_lagging[1].oldest_undelivered_seconds, 10, 5);
  EXPECT_NEAR(s.oldest_undelivered_seconds, 100, 5);

  // Third by age: the blocked hook, with how often its head event failed.
  const auto three = read(3);
  ASSERT_EQ(three.most_lagging.size(), 3u);
  EXPECT_EQ(three.most_lagging[2].hook, hook_id{blocked});
  EXPECT_EQ(three.most_lagging[2].head_attempts, 2);

  // No per-hook series wanted: the overall oldest is still there.
  const auto aggregate_only = read(0);
  EXPECT_TRUE(aggregate_only.most_lagging.empty());
  EXPECT_NEAR(aggregate_only.oldest_undelivered_seconds, 100, 5);

  // Delivered up to the head: no lag, no backlog.
  sql("UPDATE courier.cursors c SET delivered_seq = s.next_seq - 1 "
      "FROM courier.streams s WHERE s.hook_id = c.hook_id");
  const auto caught_up = read(20);
  EXPECT_TRUE(caught_up.most_lagging.empty());
  EXPECT_EQ(caught_up.oldest_undelivered_seconds, 0);
  EXPECT_EQ(caught_up.backlog_events, 0);
}

TEST_F(cluster_stats_read, counts_unreplayed_dead_letters_live_nodes_and_owned_partitions) {
  const auto id = hook("h");
  emit_numbered_to(db_, id, "t", 3);
  for (int seq = 1; seq <= 3; ++seq)
    sql("INSERT INTO courier.dead_letters (hook_id, seq, event_id, event_type, payload, "
        "emitted_at, attempts) SELECT hook_id, seq, event_id, 't', '{}', now(), 10 "
        "FROM courier.outbox WHERE hook_id = " +
        std::to_string(id) + " AND seq = " + std::to_string(seq));
  sql("UPDATE courier.dead_letters SET replayed_at = now() WHERE seq = 1");

  // A session standing in for one live node's lease connection, holding 10 partitions.
  pqxx::connection lease{db_};
  pqxx::nontransaction tx{lease};
  tx.exec("SELECT pg_advisory_lock(courier.lock_class(), p) FROM generate_series(0, 9) AS p");
  tx.exec("INSERT INTO courier.nodes (node_id, lease_pid) VALUES ('live', pg_backend_pid()), "
          "('stopping', pg_backend_pid())");
  tx.exec("UPDATE courier.nodes SET stopping = true WHERE node_id = 'stopping'");
  // Registered but not live: silent for an hour, and a session that is gone.
  tx.exec("INSERT INTO courier.nodes (node_id, lease_pid, heartbeat_at) VALUES "
          "('silent', pg_backend_pid(), now() - interval '1 hour'), ('gone', 999999, now())");

  const auto s = read(20);
  EXPECT_EQ(s.dead_letters, 2);
  EXPECT_EQ(s.live_nodes, 1);
  EXPECT_EQ(s.partitions, 256);
  EXPECT_EQ(s.partitions_owned, 10);
}

} // namespace
} // namespace courier::test
