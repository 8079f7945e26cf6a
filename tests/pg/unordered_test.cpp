// The unordered mode (ordering: none): up to max_in_flight_per_hook events of a hook in
// flight at once, each retried on its own; every event still arrives at least once with
// its courier-seq, and the cursor ends past all of them.
#include "tests/pg/pg_test_base.hpp"

#include <set>

namespace courier::test {
namespace {

using steady = std::chrono::steady_clock;

class unordered : public pg_test {
protected:
  std::int64_t unordered_hook(const std::string& name, int window) {
    auto id = hook(name);
    pg_instance::exec_scalar(db_, "SELECT courier.configure_hook(" + std::to_string(id) +
                                      ", '{\"ordering\": \"none\", \"max_in_flight_per_hook\": " +
                                      std::to_string(window) + "}')");
    return id;
  }

  // The seqs the subscriber answered 2xx at least once.
  std::set<std::int64_t> acknowledged(const std::string& name) {
    std::set<std::int64_t> seqs;
    for (const auto& d : sub_.received(name))
      if (d.status_sent == 200)
        seqs.insert(d.seq);
    return seqs;
  }

  std::int64_t cursor(std::int64_t id) {
    return scalar("SELECT delivered_seq FROM courier.cursors WHERE hook_id = " +
                  std::to_string(id));
  }
};

TEST_F(unordered, a_slow_subscriber_gets_the_window_in_parallel) {
  behaviour slow;
  slow.delay_ms = 200;
  sub_.set_behaviour("u", slow);
  const auto id = unordered_hook("u", 8);
  pg_instance::exec_scalar(db_, "SELECT count(courier.emit_to(" + std::to_string(id) +
                                    ", 't', '{}')) FROM generate_series(1, 16)");
  start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("u") >= 1; }, 30s));
  const auto first = steady::now();
  ASSERT_TRUE(sub_.wait_for([&] { return cursor(id) == 16; }, 30s));
  // One at a time these 16 take 3.2 s of the subscriber's time alone.
  EXPECT_LT(steady::now() - first, 2400ms);
  auto seqs = acknowledged("u");
  EXPECT_EQ(seqs.size(), 16u);
  EXPECT_EQ(*seqs.begin(), 1);
  EXPECT_EQ(*seqs.rbegin(), 16);
}

TEST_F(unordered, failures_are_retried_each_on_its_own_and_nothing_is_lost) {
  behaviour flaky;
  flaky.fail_ratio = 0.3;
  flaky.hang_ms = 300;
  sub_.set_behaviour("u", flaky);
  const auto id = unordered_hook("u", 16);
  pg_instance::exec_scalar(db_, "SELECT count(courier.emit_to(" + std::to_string(id) +
                                    ", 't', '{}')) FROM generate_series(1, 200)");
  start_node("n1", {"--retry_schedule", "50ms", "--http_timeout_ms", "200"});
  ASSERT_TRUE(sub_.wait_for([&] { return cursor(id) == 200; }, 60s));
  EXPECT_EQ(acknowledged("u").size(), 200u) << "every event acknowledged at least once";
}

TEST_F(unordered, a_node_killed_mid_stream_redelivers_at_most_what_was_open) {
  behaviour slow;
  slow.delay_ms = 20;
  sub_.set_behaviour("u", slow);
  const auto id = unordered_hook("u", 8);
  pg_instance::exec_scalar(db_, "SELECT count(courier.emit_to(" + std::to_string(id) +
                                    ", 't', '{}')) FROM generate_series(1, 300)");
  auto& n1 = start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("u") >= 60; }, 30s));
  n1.kill9();
  start_node("n2");
  ASSERT_TRUE(sub_.wait_for([&] { return cursor(id) == 300; }, 60s));
  EXPECT_EQ(acknowledged("u").size(), 300u);
}

} // namespace
} // namespace courier::test
