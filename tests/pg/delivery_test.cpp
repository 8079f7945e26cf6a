// End-to-end delivery through one real courierd: order, no loss, signatures,
// rollbacks, failing and hanging subscribers. CONTRACT.md guarantees 1, 2 and 4.
#include "tests/pg/pg_test_base.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <thread>

namespace courier::test {
namespace {

class delivery : public pg_test {};

TEST_F(delivery, concurrent_writers_fan_out_in_order_and_signed) {
  constexpr int hooks = 20, writers = 4, events_per_writer = 500;
  for (int h = 0; h < hooks; ++h)
    hook("h" + std::to_string(h));
  start_node("n1");
  // Four writers emit to every hook ('*'): each event fans out to all 20 streams,
  // 2,000 events in all, in small transactions racing each other.
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w)
    threads.emplace_back([&, w] {
      pqxx::connection conn{db_};
      for (int i = 0; i < events_per_writer; i += 10) {
        pqxx::work tx{conn};
        for (int j = 0; j < 10; ++j)
          emit(tx, "order.created",
               R"({"writer":)" + std::to_string(w) + R"(,"n":)" + std::to_string(i + j) + "}");
        tx.commit();
      }
    });
  for (auto& t : threads)
    t.join();
  const std::int64_t per_hook = writers * events_per_writer;
  for (int h = 0; h < hooks; ++h)
    ASSERT_TRUE(delivered_through("h" + std::to_string(h), per_hook, 60s)) << "hook h" << h;
  EXPECT_TRUE(sub_.order_violations().empty());
  for (int h = 0; h < hooks; ++h) {
    auto name = "h" + std::to_string(h);
    EXPECT_EQ(sub_.distinct_seqs(name), static_cast<std::size_t>(per_hook));
    for (const auto& d : sub_.received(name)) {
      ASSERT_TRUE(verify_signature(d, secrets_[name])) << name << " seq " << d.seq;
      EXPECT_EQ(d.content_type, "application/json");
      EXPECT_EQ(d.user_agent.rfind("courier/", 0), 0u);
      EXPECT_EQ(d.body.rfind(R"({"type":"order.created","timestamp":")", 0), 0u) << d.body;
    }
  }
  EXPECT_EQ(scalar("SELECT sum(backlog) FROM courier.hook_status"), 0);
}

TEST_F(delivery, event_type_patterns_select_hooks) {
  hook("orders", {"order.*"});
  hook("exact", {"user.created"});
  hook("all", {"*"});
  start_node("n1");
  emit(db_, "order.created", "{}");
  emit(db_, "order.item.added", "{}");
  emit(db_, "user.created", "{}");
  emit(db_, "user.deleted", "{}");
  ASSERT_TRUE(delivered_through("all", 4));
  ASSERT_TRUE(delivered_through("orders", 2));
  ASSERT_TRUE(delivered_through("exact", 1));
  std::this_thread::sleep_for(300ms); // nothing more may trickle in
  EXPECT_EQ(sub_.distinct_seqs("orders"), 2u);
  EXPECT_EQ(sub_.distinct_seqs("exact"), 1u);
}

TEST_F(delivery, rolled_back_transaction_sends_nothing) {
  auto id = hook("h");
  start_node("n1");
  {
    pqxx::connection conn{db_};
    pqxx::work tx{conn};
    emit_to(tx, id, "doomed", R"({"n":1})");
    emit(tx, "doomed", R"({"n":2})");
    tx.abort();
  }
  emit_to(db_, id, "marker", R"({"n":3})");
  ASSERT_TRUE(delivered_through("h", 1));
  std::this_thread::sleep_for(500ms);
  auto got = sub_.received("h");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].body.find("marker"), std::string::npos);
  EXPECT_EQ(got[0].seq, 1); // the rolled-back seqs were never handed out for good
}

// Guarantee 4: transactions commit in any order; a reader must never move past an
// event whose transaction is still open. Writers to one hook are serialised by the
// stream's row lock, so the later emit cannot commit first: it waits.
TEST_F(delivery, reverse_commit_order_skips_nothing) {
  auto h = hook("h");
  auto other = hook("other");
  start_node("n1");
  pqxx::connection first_conn{db_};
  pqxx::work first{first_conn};
  emit_to(first, h, "first", "{}"); // seq 1, transaction left open
  std::atomic<bool> second_committed{false};
  std::thread second{[&] {
    pqxx::connection conn{db_};
    pqxx::work tx{conn};
    emit_to(tx, h, "second", "{}"); // seq 2: waits for `first`
    tx.commit();
    second_committed = true;
  }};
  // A third writer commits a later event id, for another hook, before `first`.
  emit_to(db_, other, "third", "{}");
  std::this_thread::sleep_for(700ms);
  EXPECT_FALSE(second_committed.load()) << "seq 2 committed while seq 1 was still open";
  EXPECT_EQ(sub_.count("h"), 0u);
  first.commit();
  second.join();
  ASSERT_TRUE(delivered_through("h", 2));
  auto got = sub_.received("h");
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0].seq, 1);
  EXPECT_NE(got[0].body.find("first"), std::string::npos);
  EXPECT_EQ(got[1].seq, 2);
  EXPECT_TRUE(sub_.order_violations().empty());
}

TEST_F(delivery, flaky_subscriber_gets_everything_in_order) {
  for (int h = 0; h < 4; ++h)
    hook("h" + std::to_string(h));
  behaviour flaky;
  flaky.fail_ratio = 0.5; // 500s, hangs past the timeout and connection resets
  flaky.hang_ms = 1500;
  sub_.set_default_behaviour(flaky);
  start_node("n1", {"--http_timeout_ms", "300", "--retry_schedule", "10ms,20ms,50ms"});
  for (int i = 0; i < 50; ++i)
    emit(db_, "tick", R"({"i":)" + std::to_string(i) + "}");
  for (int h = 0; h < 4; ++h)
    ASSERT_TRUE(delivered_through("h" + std::to_string(h), 50, 90s)) << "hook h" << h;
  EXPECT_GT(sub_.failures_sent(), 20u);
  EXPECT_TRUE(sub_.order_violations().empty());
  bool retried_success = false;
  for (const auto& d : sub_.received("h0"))
    retried_success |= d.status_sent >= 200 && d.status_sent < 300 && d.attempt > 1;
  EXPECT_TRUE(retried_success) << "some event should have succeeded on a retry";
}

TEST_F(delivery, retries_keep_webhook_id_and_count_attempts) {
  hook("h");
  behaviour failing;
  failing.fixed_status = 503;
  sub_.set_behaviour("h", failing);
  start_node("n1");
  emit(db_, "x", "{}");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("h") >= 3; }, 10s));
  sub_.clear_behaviour("h");
  ASSERT_TRUE(delivered_through("h", 1));
  auto got = sub_.received("h");
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].webhook_id, got[0].webhook_id);
    EXPECT_EQ(got[i].attempt, static_cast<int>(i) + 1);
  }
}

TEST_F(delivery, a_hanging_subscriber_blocks_only_its_own_hook) {
  hook("stuck");
  for (int h = 0; h < 5; ++h)
    hook("ok" + std::to_string(h));
  behaviour hang;
  hang.hang = true;
  sub_.set_behaviour("stuck", hang);
  start_node("n1", {"--http_timeout_ms", "60000"});
  for (int i = 0; i < 20; ++i)
    emit(db_, "tick", "{}");
  auto started = std::chrono::steady_clock::now();
  for (int h = 0; h < 5; ++h)
    ASSERT_TRUE(delivered_through("ok" + std::to_string(h), 20, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(sub_.count("stuck"), 1u); // one attempt, still hanging
  EXPECT_EQ(scalar("SELECT backlog FROM courier.hook_status WHERE url LIKE '%/h/stuck'"), 20);
}

TEST_F(delivery, gone_disables_the_hook) {
  auto id = hook("gone");
  behaviour gone;
  gone.fixed_status = 410;
  sub_.set_behaviour("gone", gone);
  start_node("n1");
  emit(db_, "x", "{}");
  emit(db_, "x", "{}");
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return pg_instance::exec_scalar(db_, "SELECT state FROM courier.hooks WHERE id = " +
                                                 std::to_string(id)) == "disabled";
      },
      10s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(sub_.count("gone"), 1u);
}

TEST_F(delivery, pause_and_resume_are_picked_up_live) {
  auto id = hook("h");
  start_node("n1");
  emit(db_, "x", "{}");
  ASSERT_TRUE(delivered_through("h", 1));
  pg_instance::exec_scalar(db_, "UPDATE courier.hooks SET state = 'paused' WHERE id = " +
                                    std::to_string(id));
  std::this_thread::sleep_for(500ms);
  emit(db_, "x", "{}");
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(sub_.distinct_seqs("h"), 1u) << "a paused hook must not deliver";
  pg_instance::exec_scalar(db_, "UPDATE courier.hooks SET state = 'active' WHERE id = " +
                                    std::to_string(id));
  ASSERT_TRUE(delivered_through("h", 2));
  // A hook created while the node runs is picked up without a restart.
  hook("late");
  emit(db_, "y", "{}");
  ASSERT_TRUE(delivered_through("late", 1));
}

TEST_F(delivery, private_targets_are_refused_by_default) {
  hook("h");
  start_node("n1", {"--allow_private_targets", "false"});
  emit(db_, "x", "{}");
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return pg_instance::exec_scalar(db_, "SELECT last_error FROM courier.hook_status")
                   .find("private") != std::string::npos;
      },
      10s));
  EXPECT_EQ(sub_.count(), 0u);
}

TEST_F(delivery, sigterm_drains_flushes_and_exits_zero) {
  hook("h");
  start_node("n1");
  for (int i = 0; i < 200; ++i)
    emit(db_, "x", "{}");
  ASSERT_TRUE(delivered_through("h", 200));
  EXPECT_EQ(nodes_->stop("n1"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.lease_locks"), 0);
  EXPECT_EQ(scalar("SELECT next_seq FROM courier.hook_status"), 201) << "cursor not flushed";
  // A restart resumes exactly at the cursor: no duplicates.
  start_node("n2");
  emit(db_, "x", "{}");
  ASSERT_TRUE(delivered_through("h", 201));
  EXPECT_EQ(sub_.duplicates("h"), 0u);
}

} // namespace
} // namespace courier::test
