#include "tests/support/subscriber.hpp"
#include "tests/unit/support/test_client.hpp"

#include <gtest/gtest.h>
#include <thread>

namespace courier::test {
namespace {

using namespace std::chrono_literals;
namespace beast = boost::beast;

std::map<std::string, std::string> headers_for(std::int64_t seq, int attempt = 1) {
  return {{"content-type", "application/json"}, {"webhook-id", "msg_" + std::to_string(seq)},
          {"webhook-timestamp", "1700000000"},  {"webhook-signature", "v1,abc="},
          {"courier-seq", std::to_string(seq)}, {"courier-attempt", std::to_string(attempt)},
          {"user-agent", "courier/test"}};
}

TEST(subscriber, records_requests_with_their_headers_on_one_keep_alive_connection) {
  subscriber sub;
  EXPECT_EQ(sub.base_url(), "http://127.0.0.1:" + std::to_string(sub.port()));
  EXPECT_EQ(sub.url_for("a"), sub.base_url() + "/h/a");
  test_client client(sub.port());
  EXPECT_EQ(client.post("/h/a", headers_for(1), R"({"n":1})").status, 200);
  EXPECT_EQ(client.post("/h/a?x=1", headers_for(2, 3), R"({"n":2})").status, 200);
  EXPECT_EQ(client.post("/h/b", {}, "").status, 200);

  auto got = sub.received("a");
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].path, "/h/a");
  EXPECT_EQ(got[0].seq, 1);
  EXPECT_EQ(got[0].attempt, 1);
  EXPECT_EQ(got[0].webhook_id, "msg_1");
  EXPECT_EQ(got[0].timestamp, "1700000000");
  EXPECT_EQ(got[0].signature, "v1,abc=");
  EXPECT_EQ(got[0].body, R"({"n":1})");
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_EQ(got[0].user_agent, "courier/test");
  EXPECT_EQ(got[0].status_sent, 200);
  EXPECT_EQ(got[1].seq, 2);
  EXPECT_EQ(got[1].attempt, 3);
  EXPECT_LE(got[0].at, got[1].at);
  EXPECT_EQ(sub.received("/h/b").at(0).seq, -1);
  EXPECT_EQ(sub.count(), 3u);
  EXPECT_EQ(sub.count("a"), 2u);
  EXPECT_EQ(sub.received_all().size(), 3u);
  EXPECT_EQ(sub.accepted_connections(), 1u);
  EXPECT_EQ(sub.distinct_seqs("a"), 2u);
  EXPECT_EQ(sub.contiguous_seq("a"), 2);
  EXPECT_EQ(sub.failures_sent(), 0u);
}

TEST(subscriber, fixed_status_and_retry_after) {
  subscriber sub;
  sub.set_behaviour("gone", behaviour{0, 410});
  behaviour busy;
  busy.fixed_status = 503;
  busy.retry_after_s = 7;
  sub.set_behaviour("/h/busy", busy);
  test_client client(sub.port());
  EXPECT_EQ(client.post("/h/gone", headers_for(1), "{}").status, 410);
  auto r = client.post("/h/busy", headers_for(1), "{}");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.retry_after, "7");
  EXPECT_EQ(sub.failures_sent(), 2u);
  EXPECT_EQ(sub.failures_sent("gone"), 1u);
  EXPECT_EQ(sub.distinct_seqs("gone"), 0u);
  sub.clear_behaviour("gone");
  EXPECT_EQ(client.post("/h/gone", headers_for(1), "{}").status, 200);
  sub.set_default_behaviour(behaviour{0, 500});
  EXPECT_EQ(client.post("/h/other", headers_for(1), "{}").status, 500);
}

TEST(subscriber, retry_after_text_is_sent_verbatim) {
  subscriber sub;
  behaviour dated;
  dated.fixed_status = 429;
  dated.retry_after_s = 7; // the text wins
  dated.retry_after_text = "Thu, 01 Jan 1970 00:00:00 GMT";
  sub.set_behaviour("dated", dated);
  test_client client(sub.port());
  auto r = client.post("/h/dated", headers_for(1), "{}");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after, "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(client.post("/h/plain", headers_for(1), "{}").retry_after, "");
}

TEST(subscriber, hang_holds_the_connection_without_answering) {
  subscriber sub;
  behaviour hang;
  hang.hang = true;
  sub.set_behaviour("slow", hang);
  test_client client(sub.port());
  auto r = client.post("/h/slow", headers_for(1), "{}", 300ms);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.ec, beast::error::timeout);
  ASSERT_EQ(sub.count("slow"), 1u);
  EXPECT_EQ(sub.received("slow")[0].status_sent, delivery::status_hang);
  EXPECT_EQ(sub.failures_sent("slow"), 1u);
}

TEST(subscriber, delay_answers_late) {
  subscriber sub;
  behaviour slow;
  slow.delay_ms = 200;
  sub.set_behaviour("slow", slow);
  test_client client(sub.port());
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.post("/h/slow", headers_for(1), "{}").status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
}

TEST(subscriber, a_delayed_answer_to_a_client_that_gave_up_is_not_a_success) {
  subscriber sub;
  behaviour slow;
  slow.delay_ms = 300;
  sub.set_behaviour("slow", slow);
  {
    test_client client(sub.port());
    EXPECT_EQ(client.post("/h/slow", headers_for(1), "{}", 50ms).ec, beast::error::timeout);
  }
  ASSERT_TRUE(sub.wait_for(
      [&] { return sub.received("slow").at(0).status_sent == delivery::status_peer_gone; }, 2s));
  EXPECT_EQ(sub.distinct_seqs("slow"), 0u);
  EXPECT_EQ(sub.failures_sent("slow"), 1u);
}

TEST(subscriber, fail_ratio_one_produces_500_hang_then_close_and_reset) {
  subscriber_options options;
  options.seed = 42;
  subscriber sub(options);
  behaviour flaky;
  flaky.fail_ratio = 1;
  flaky.hang_ms = 50;
  sub.set_behaviour("flaky", flaky);
  std::map<int, int> outcomes;
  for (int i = 1; i <= 30; ++i) {
    test_client client(sub.port()); // a failed connection is not reused
    auto r = client.post("/h/flaky", headers_for(i), "{}", 2s);
    auto recorded = sub.received("flaky").back().status_sent;
    ++outcomes[recorded];
    if (recorded == 500) {
      EXPECT_EQ(r.status, 500);
    } else if (recorded == delivery::status_reset) {
      EXPECT_EQ(r.ec, boost::asio::error::connection_reset) << r.ec.message();
    } else {
      EXPECT_EQ(recorded, delivery::status_hang);
      EXPECT_EQ(r.status, 0); // closed after hang_ms without an answer
      EXPECT_NE(r.ec, beast::error::timeout) << r.ec.message();
    }
  }
  EXPECT_EQ(outcomes.size(), 3u);
  EXPECT_EQ(sub.failures_sent("flaky"), 30u);
  EXPECT_EQ(sub.distinct_seqs("flaky"), 0u);
}

TEST(subscriber, order_checker_flags_a_gap) {
  subscriber sub;
  test_client client(sub.port());
  client.post("/h/a", headers_for(1), "{}");
  client.post("/h/a", headers_for(3), "{}");
  auto v = sub.order_violations();
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].path, "/h/a");
  EXPECT_EQ(v[0].seq, 3);
  EXPECT_EQ(v[0].missing, 2);
  EXPECT_EQ(sub.contiguous_seq("a"), 1);
  client.post("/h/a", headers_for(2), "{}");
  EXPECT_EQ(sub.order_violations().size(), 1u);
  EXPECT_EQ(sub.contiguous_seq("a"), 3);
}

TEST(subscriber, order_checker_accepts_redelivery) {
  subscriber sub;
  test_client client(sub.port());
  for (int seq : {1, 2, 2, 3, 1}) {
    client.post("/h/a", headers_for(seq), "{}");
  }
  EXPECT_TRUE(sub.order_violations().empty());
  EXPECT_EQ(sub.distinct_seqs("a"), 3u);
  EXPECT_EQ(sub.duplicates("a"), 2u);
  EXPECT_EQ(sub.contiguous_seq("a"), 3);
}

TEST(subscriber, order_checker_ignores_failed_attempts_and_skipped_seqs) {
  subscriber sub;
  test_client client(sub.port());
  client.post("/h/a", headers_for(1), "{}");
  sub.set_behaviour("a", behaviour{0, 500});
  client.post("/h/a", headers_for(2), "{}"); // failed: seq 2 still missing
  sub.clear_behaviour("a");
  sub.mark_skipped("a", 2); // e.g. dead-lettered
  client.post("/h/a", headers_for(3), "{}");
  EXPECT_TRUE(sub.order_violations().empty());
  EXPECT_EQ(sub.contiguous_seq("a"), 3);
  EXPECT_EQ(sub.distinct_seqs("a"), 2u);
}

TEST(subscriber, wait_for_wakes_on_requests_and_times_out) {
  subscriber sub;
  std::thread sender([&] {
    std::this_thread::sleep_for(50ms);
    test_client client(sub.port());
    for (int seq = 1; seq <= 3; ++seq) {
      client.post("/h/w", headers_for(seq), "{}");
    }
  });
  EXPECT_TRUE(sub.wait_for_seq("w", 3, 5s));
  sender.join();
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(sub.wait_for([&] { return sub.count() > 3; }, 150ms));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
}

TEST(subscriber, stop_closes_held_connections) {
  subscriber sub;
  behaviour hang;
  hang.hang = true;
  sub.set_default_behaviour(hang);
  client_reply reply;
  std::thread t([&] {
    test_client client(sub.port());
    reply = client.post("/h/x", headers_for(1), "{}", 10s);
  });
  ASSERT_TRUE(sub.wait_for([&] { return sub.count() == 1; }, 5s));
  auto start = std::chrono::steady_clock::now();
  sub.stop();
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  EXPECT_EQ(reply.status, 0);
  EXPECT_NE(reply.ec, beast::error::timeout);
  EXPECT_EQ(sub.open_connections(), 0u);
}

} // namespace
} // namespace courier::test
