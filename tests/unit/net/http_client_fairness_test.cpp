// Loopback tests of how the HTTP client shares its in-flight slots: flows that hang
// cannot keep another flow waiting, an origin cannot take every slot, the timeout runs
// from the slot on, and a waiting request leaves the queue when fenced or kept too long.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "client_test_support.hpp"
#include "net/http_sender.hpp"
#include "test_http_server.hpp"

namespace courier::net::testing {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

// "/hang" never answers; anything else gets 200 at once.
test_server::handler hang_or_ok() {
  return [](const server_request& req, const request_context&) {
    server_reply r;
    if (req.target() == "/hang")
      r.action = server_reply::kind::never_answer;
    return r;
  };
}

http_request flow_request(const std::string& url, const std::string& flow,
                          std::chrono::milliseconds timeout) {
  auto req = post_to(url);
  req.flow = flow;
  req.timeout = timeout;
  return req;
}

// Waits (polling, 10 s at most) until pred holds.
template <class Pred> bool eventually(Pred pred) {
  auto deadline = clock::now() + 10s;
  while (!pred()) {
    if (clock::now() > deadline)
      return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

TEST(http_client_fairness, a_flow_is_served_while_more_flows_hang_than_there_are_slots) {
  test_server server(hang_or_ok());
  auto opts = loopback_options();
  opts.max_in_flight = 4;
  auto client = make_http_client(opts);
  // Six flows hang: each first attempt times out quickly, then each retries with a long
  // timeout, as a delivery actor would. Unconfined, those retries would hold every slot.
  constexpr int hung_flows = 6;
  std::atomic<int> first_attempts_failed{0};
  for (int i = 0; i < hung_flows; ++i) {
    auto flow = "hung" + std::to_string(i);
    auto url = server.url("127.0.0.1", "/hang");
    client->send(flow_request(url, flow, 200ms),
                 [&client, &first_attempts_failed, flow, url](http_result r) {
                   EXPECT_EQ(r.failure, http_failure::timeout) << r.error;
                   client->send(flow_request(url, flow, 10s), [](http_result) {});
                   ++first_attempts_failed;
                 });
  }
  ASSERT_TRUE(eventually([&] { return first_attempts_failed == hung_flows; }));
  ASSERT_TRUE(eventually([&] { return server.requests() >= hung_flows + 1; }))
      << "the retries should be under way";

  for (int i = 0; i < 5; ++i) {
    auto start = clock::now();
    auto result = send_and_wait(*client, flow_request(server.url(), "healthy", 5s));
    auto took = clock::now() - start;
    EXPECT_EQ(result.status, 200) << result.error;
    // Generous for a loaded machine; waiting behind the retries would take 10 s.
    EXPECT_LT(took, 2s) << "request " << i << " waited for a slot";
  }
  // Only one slot (a quarter of four) is held by the timed-out flows.
  EXPECT_EQ(server.requests(), hung_flows + 1 + 5u);
}

TEST(http_client_fairness, one_origin_holds_at_most_its_share_of_the_slots) {
  test_server hung(hang_or_ok());
  test_server healthy(hang_or_ok());
  auto opts = loopback_options();
  opts.max_in_flight = 4;
  opts.max_in_flight_per_origin = 2;
  auto client = make_http_client(opts);
  std::vector<pending_result> hanging(4);
  for (std::size_t i = 0; i < hanging.size(); ++i)
    client->send(flow_request(hung.url("127.0.0.1", "/hang"), "h" + std::to_string(i), 10s),
                 hanging[i].callback());
  ASSERT_TRUE(eventually([&] { return hung.requests() == 2; }));
  auto start = clock::now();
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(send_and_wait(*client, flow_request(healthy.url(), "ok", 5s)).status, 200);
  EXPECT_LT(clock::now() - start, 2s);
  EXPECT_EQ(hung.requests(), 2u) << "the other two wait for their origin";
  client->stop();
}

// A client with one slot, held by a request ("hog") that the server never answers.
struct one_slot_held {
  explicit one_slot_held(std::chrono::milliseconds hog_timeout,
                         std::chrono::milliseconds max_queue_wait = 2min) {
    auto opts = loopback_options();
    opts.max_in_flight = 1;
    opts.max_queue_wait = max_queue_wait;
    client = make_http_client(opts);
    client->send(flow_request(server.url("127.0.0.1", "/hang"), "hog", hog_timeout),
                 hog.callback());
    EXPECT_TRUE(eventually([&] { return server.requests() == 1; }));
  }

  test_server server{hang_or_ok()};
  std::unique_ptr<http_sender> client; // stopped before the server goes
  pending_result hog;
};

TEST(http_client_fairness, the_timeout_starts_when_the_request_gets_its_slot) {
  one_slot_held held(600ms);
  auto start = clock::now();
  // Waits ~600 ms for the slot, longer than its own 400 ms timeout, and still succeeds.
  auto result = send_and_wait(*held.client, flow_request(held.server.url(), "patient", 400ms));
  EXPECT_EQ(result.failure, http_failure::none) << result.error;
  EXPECT_EQ(result.status, 200);
  EXPECT_GE(clock::now() - start, 500ms);
  EXPECT_EQ(held.hog.get().failure, http_failure::timeout);
}

TEST(http_client_fairness, a_request_waiting_too_long_for_a_slot_fails_unsent) {
  one_slot_held held(5s, 300ms);
  auto start = clock::now();
  auto result = send_and_wait(*held.client, flow_request(held.server.url(), "late", 5s));
  auto waited = clock::now() - start;
  EXPECT_EQ(result.failure, http_failure::no_slot) << result.error;
  EXPECT_NE(result.error.find("300 ms"), std::string::npos) << result.error;
  EXPECT_GE(waited, 290ms);
  EXPECT_LT(waited, 3s);
  EXPECT_EQ(held.server.requests(), 1u);
  held.client->stop();
  EXPECT_EQ(held.hog.get().failure, http_failure::shutdown);
}

TEST(http_client_fairness, a_waiting_request_that_is_fenced_leaves_the_queue_unsent) {
  one_slot_held held(10s);
  auto open = std::make_shared<std::atomic<bool>>(true);
  auto req = flow_request(held.server.url(), "fenced", 5s);
  req.may_send = [open] {
    return open->load();
  };
  pending_result fenced;
  held.client->send(std::move(req), fenced.callback());
  std::this_thread::sleep_for(300ms); // waiting, still allowed
  auto start = clock::now();
  open->store(false);
  auto result = fenced.get();
  EXPECT_EQ(result.failure, http_failure::fenced) << result.error;
  EXPECT_LT(clock::now() - start, 2s) << "not only when the hog's 10 s are over";
  EXPECT_EQ(held.server.requests(), 1u);
  held.client->stop();
  EXPECT_EQ(held.hog.get().failure, http_failure::shutdown);
}

} // namespace
} // namespace courier::net::testing
