// A node cut off from Postgres in the middle of one of its transactions: the server
// is left with the session idle inside it, holding its locks, and gets no word from the
// client. Here the transaction is outbox maintenance that has just created a partition
// (ACCESS EXCLUSIVE on courier.events and courier.outbox until it ends), so every emit
// and every fetch in the cluster waits for it. It must end within seconds, not when the
// server's TCP finally gives up on the peer (about 15 minutes).
#include "tests/netns/netns_test_base.hpp"

#include <pqxx/pqxx>

#include <iostream>

namespace courier::test {
namespace {

class open_transaction : public netns_test {};

TEST_F(open_transaction, a_node_cut_off_midway_does_not_hold_its_locks_for_long) {
  // Outbox maintenance then has a partition to create: the empty one furthest ahead.
  pg_instance::exec_scalar(db_, "DROP TABLE courier.outbox_2, courier.events_2");
  // Held here, the layout lock stops a's first maintenance (run at start) inside its
  // transaction, so the cut can come between two of its statements.
  pqxx::connection layout{db_};
  pqxx::nontransaction{layout}.exec("SELECT pg_advisory_lock(courier.lock_class(), -1)");
  start_node("a");
  const std::string a_pool = "application_name LIKE 'courier/a/pool%'";
  ASSERT_TRUE(eventually(
      [&] {
        return scalar("SELECT count(*) FROM pg_stat_activity WHERE " + a_pool +
                      " AND wait_event = 'advisory'") > 0;
      },
      30s))
      << "a's outbox maintenance never waited for the layout lock";
  net_->cut("a", "pg");
  const auto cut_at = steady::now();
  pqxx::nontransaction{layout}.exec("SELECT pg_advisory_unlock(courier.lock_class(), -1)");
  // The server runs the statement to its end and waits for a's next one, in vain.
  ASSERT_TRUE(eventually(
      [&] {
        return scalar("SELECT count(*) FROM pg_stat_activity WHERE " + a_pool +
                      " AND state = 'idle in transaction'") > 0;
      },
      10s))
      << "set-up: a's maintenance did not stop midway (its 2 s lock_timeout may have passed)";
  const std::string outbox_lock_held_by_a =
      "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s ON s.pid = l.pid WHERE s." + a_pool +
      " AND l.relation = 'courier.events'::regclass AND l.mode = 'AccessExclusiveLock'";
  ASSERT_EQ(scalar(outbox_lock_held_by_a), 1) << "set-up: a's open transaction has no outbox lock";

  pqxx::connection app{db_};
  pqxx::nontransaction{app}.exec("SET statement_timeout = '40s'");
  const auto emit_started = steady::now();
  std::string error;
  try {
    pqxx::nontransaction tx{app};
    tx.exec("SELECT courier.emit('tick', '{}')");
  } catch (const std::exception& e) {
    error = e.what();
  }
  const auto waited =
      std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - emit_started);
  EXPECT_EQ(error, "") << "an emit waited " << waited.count()
                       << " ms for the cut-off node's transaction";
  EXPECT_LT(waited.count(), 15000);
  EXPECT_EQ(scalar(outbox_lock_held_by_a), 0);
  std::cout << "[netns] an emit waited " << waited.count() << " ms (cut "
            << std::chrono::duration_cast<std::chrono::milliseconds>(emit_started - cut_at).count()
            << " ms before it) for the cut-off node's open transaction\n";
}

} // namespace
} // namespace courier::test
