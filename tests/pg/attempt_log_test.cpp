// The delivery attempt log (courier.attempts): every attempt that went out is recorded
// with its outcome, status and the start of the answer, written in batches by the node's
// attempt logger, listed newest first by GET /v1/deliveries and `courierctl deliveries
// list`, and dropped by day after attempt_retention.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/admin_client.hpp"

#include <nlohmann/json.hpp>

#include <thread>

namespace courier::test {
namespace {

using json = nlohmann::json;

constexpr const char* token = "attempt-log-token";

class attempt_log : public pg_test {
protected:
  unsigned short start_logged_node(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--admin_token", token, "--retry_schedule", "1s"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto& node = start_node("n1", args);
    auto port = wait_admin_port(node, 30s);
    EXPECT_TRUE(port) << node.log();
    return port.value_or(0);
  }

  bool attempts_logged(std::int64_t n, std::chrono::milliseconds timeout = 20s) {
    return sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.attempts") >= n; },
                         timeout);
  }
};

TEST_F(attempt_log, records_each_attempt_with_outcome_status_and_excerpt) {
  behaviour failing;
  failing.fixed_status = 500;
  failing.failure_body = "boom-500";
  sub_.set_behaviour("h", failing);
  const auto id = hook("h");
  emit_to(db_, id, "order.paid", R"({"n": 1})");
  const auto port = start_logged_node();
  ASSERT_NE(port, 0);

  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("h") >= 1; }, 30s));
  behaviour busy;
  busy.fixed_status = 503;
  busy.retry_after_s = 1;
  busy.failure_body = "busy-503";
  sub_.set_behaviour("h", busy);
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("h") >= 2; }, 30s));
  sub_.set_behaviour("h", behaviour{});
  ASSERT_TRUE(delivered_through("h", 1));
  ASSERT_TRUE(attempts_logged(3));

  auto doc = json::parse(
      courierctl(port, token, {"--json", "deliveries", "list", "--hook", std::to_string(id)})
          .output,
      nullptr, false);
  ASSERT_TRUE(doc.is_array()) << doc;
  ASSERT_EQ(doc.size(), 3u) << doc;
  // Newest first: the delivery, the 503 with Retry-After, the 500.
  const char* outcomes[] = {"delivered", "retry_after", "failed"};
  const int statuses[] = {200, 503, 500};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& a = doc[i];
    for (const char* member : {"hook_id", "seq", "attempt", "status", "outcome", "duration_ms",
                               "node_id", "started_at", "response_excerpt", "epoch"})
      EXPECT_TRUE(a.contains(member)) << member << " missing in " << a;
    EXPECT_EQ(a.value("outcome", ""), outcomes[i]) << a;
    EXPECT_EQ(a.value("status", 0), statuses[i]) << a;
    EXPECT_EQ(a.value("attempt", 0), static_cast<int>(3 - i)) << a;
    EXPECT_EQ(a.value("seq", 0), 1) << a;
    EXPECT_EQ(a.value("hook_id", 0LL), id) << a;
    EXPECT_EQ(a.value("node_id", ""), "n1") << a;
    EXPECT_GE(a.value("duration_ms", -1), 0) << a;
    EXPECT_GE(a.value("epoch", 0), 1) << a;
  }
  EXPECT_EQ(doc[1].value("response_excerpt", ""), "busy-503");
  EXPECT_EQ(doc[2].value("response_excerpt", ""), "boom-500");
  // The webhook id is the one the subscriber saw on every attempt.
  EXPECT_EQ(doc[0].value("webhook_id", ""), sub_.received("h").front().webhook_id);

  // Filters narrow: by outcome, by seq, and a page of one names the next.
  auto failed = courierctl(
      port, token,
      {"--json", "deliveries", "list", "--hook", std::to_string(id), "--outcome", "failed"});
  EXPECT_EQ(json::parse(failed.output, nullptr, false).size(), 1u) << failed.output;
  auto page = admin_request(port, "GET", "/v1/deliveries?limit=1&hook_id=" + std::to_string(id),
                            std::string("Bearer ") + token);
  ASSERT_EQ(page.status, 200) << page.body;
  auto page_doc = json::parse(page.body);
  EXPECT_EQ(page_doc["items"].size(), 1u);
  EXPECT_TRUE(page_doc["next_before"].is_number_integer()) << page.body;

  // For people: a table with the outcome column.
  auto table = courierctl(port, token, {"deliveries", "list", "--hook", std::to_string(id)});
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("OUTCOME"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("retry_after"), std::string::npos) << table.output;
}

TEST_F(attempt_log, keeps_at_most_attempt_body_bytes_of_an_answer_and_names_timeouts) {
  behaviour chatty;
  chatty.fixed_status = 500;
  chatty.failure_body = std::string(5000, 'x');
  sub_.set_behaviour("chatty", chatty);
  behaviour silent;
  silent.hang = true;
  sub_.set_behaviour("silent", silent);
  emit_to(db_, hook("chatty"), "t", "{}");
  emit_to(db_, hook("silent"), "t", "{}");
  ASSERT_NE(start_logged_node({"--attempt_body_bytes", "16", "--http_timeout_ms", "300"}), 0);
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT count(*) FROM courier.attempts WHERE outcome = 'failed'") >= 1 &&
               scalar("SELECT count(*) FROM courier.attempts WHERE outcome = 'timeout'") >= 1;
      },
      30s));
  EXPECT_EQ(scalar("SELECT max(length(response_excerpt)) FROM courier.attempts "
                   "WHERE outcome = 'failed'"),
            16);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.attempts WHERE outcome = 'timeout' "
                   "AND http_status IS NULL"),
            scalar("SELECT count(*) FROM courier.attempts WHERE outcome = 'timeout'"));
}

TEST_F(attempt_log, is_off_when_attempt_log_is_false) {
  const auto id = hook("h");
  for (int i = 1; i <= 5; ++i)
    emit_to(db_, id, "t", "{}");
  ASSERT_NE(start_logged_node({"--attempt_log", "false"}), 0);
  ASSERT_TRUE(delivered_through("h", 5));
  std::this_thread::sleep_for(500ms); // longer than the logger's batch interval
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.attempts"), 0);
}

TEST_F(attempt_log, days_past_the_retention_are_dropped_by_the_maintenance_loop) {
  // A day long past, as if the cluster had run then; today's partition exists already.
  pg_instance::exec_scalar(db_, "CREATE TABLE courier.attempts_20000101 PARTITION OF "
                                "courier.attempts FOR VALUES FROM ('2000-01-01') TO "
                                "('2000-01-02')");
  pg_instance::exec_scalar(db_, "INSERT INTO courier.attempts (hook_id, seq, event_id, attempt, "
                                "node_id, epoch, started_at, duration_ms, outcome) VALUES "
                                "(1, 1, 1, 1, 'old', 1, '2000-01-01 12:00Z', 5, 'delivered')");
  const auto id = hook("h");
  emit_to(db_, id, "t", "{}");
  ASSERT_NE(start_logged_node({"--attempt_retention", "24h"}), 0);
  ASSERT_TRUE(delivered_through("h", 1));
  ASSERT_TRUE(sub_.wait_for(
      [&] { return scalar("SELECT count(*) FROM courier.attempts WHERE node_id = 'old'") == 0; },
      20s));
  EXPECT_EQ(scalar("SELECT count(*) FROM pg_class WHERE relname = 'attempts_20000101'"), 0);
  ASSERT_TRUE(attempts_logged(1));
  // Retention of a week keeps yesterday and today.
  EXPECT_EQ(scalar("SELECT courier.drop_expired_attempts(interval '7 days')"), 0);
}

} // namespace
} // namespace courier::test
