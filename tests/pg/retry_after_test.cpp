// A subscriber's Retry-After may lengthen the wait but never shorten it below the
// schedule's step: answering 429 with "Retry-After: 0" or a date in the past once
// drove a retry loop of thousands of requests a second per hook.
#include "tests/pg/pg_test_base.hpp"

#include <algorithm>
#include <limits>

namespace courier::test {
namespace {

using steady = std::chrono::steady_clock;

// One 300 ms step: every wait is 240..300 ms (jitter of -20 %, capped at the step).
constexpr auto step = 300ms;
constexpr auto shortest_wait = 240ms;
// Arrival times are taken after the request is read; allow a little clock noise.
constexpr auto gap_slack = 30ms;

class retry_after : public pg_test {
protected:
  // Hooks "zero" and "past" answer 429 with Retry-After 0 and with a past HTTP-date.
  void two_eager_subscribers() {
    behaviour zero;
    zero.fixed_status = 429;
    zero.retry_after_s = 0;
    sub_.set_behaviour("zero", zero);
    behaviour past;
    past.fixed_status = 429;
    past.retry_after_text = "Thu, 01 Jan 1970 00:00:00 GMT";
    sub_.set_behaviour("past", past);
  }

  std::vector<std::string> node_args(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--retry_schedule", std::to_string(step.count()) + "ms"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // Milliseconds between two arrivals.
  static long long ms_between(steady::time_point from, steady::time_point to) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
  }

  // The shortest time in ms between two consecutive requests of a hook.
  static long long shortest_gap(const std::vector<delivery>& got) {
    auto gap = std::numeric_limits<long long>::max();
    for (std::size_t i = 1; i < got.size(); ++i)
      gap = std::min(gap, ms_between(got[i - 1].at, got[i].at));
    return gap;
  }
};

TEST_F(retry_after, zero_or_past_retry_after_waits_the_schedule_under_block) {
  two_eager_subscribers();
  emit_to(db_, hook("zero"), "busy", "{}");
  emit_to(db_, hook("past"), "busy", "{}");
  start_node("n1", node_args());
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("zero") > 0 && sub_.count("past") > 0; }, 30s));

  // Watch 3 s from the first request of each hook: at most one request per shortest
  // wait fits (plus the first and a little slack). The wait ends early on a breach.
  const auto window = 3s;
  const std::size_t bound = 1 + window / shortest_wait + 2;
  for (const char* name : {"zero", "past"}) {
    auto first = sub_.received(name).front().at;
    sub_.wait_for(
        [&] { return sub_.count(name) > bound; },
        std::chrono::duration_cast<std::chrono::milliseconds>(first + window - steady::now()));
    auto got = sub_.received(name);
    auto in_window = std::count_if(got.begin(), got.end(),
                                   [&](const delivery& d) { return d.at - first <= window; });
    EXPECT_LE(static_cast<std::size_t>(in_window), bound) << name;
    EXPECT_GE(in_window, 3) << name << ": retries must go on (block policy)";
    EXPECT_GE(shortest_gap(got), (shortest_wait - gap_slack).count()) << name;
  }
  // The head's attempt count grows with the schedule, not with the subscriber's pace.
  EXPECT_LE(scalar("SELECT max(head_attempts) FROM courier.hook_status"),
            static_cast<std::int64_t>(bound) * 2);
}

TEST_F(retry_after, dead_letter_is_not_reached_faster_than_the_schedule) {
  two_eager_subscribers();
  emit_to(db_, hook("zero"), "busy", "{}");
  emit_to(db_, hook("past"), "busy", "{}");
  const int max_attempts = 5;
  start_node("n1", node_args({"--poison_policy", "dead_letter", "--max_attempts",
                              std::to_string(max_attempts)}));
  ASSERT_TRUE(
      sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.dead_letters") == 2; }, 30s));
  for (const char* name : {"zero", "past"}) {
    auto got = sub_.received(name);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(max_attempts)) << name;
    // max_attempts requests are max_attempts - 1 waits of at least the shortest wait.
    EXPECT_GE(ms_between(got.front().at, got.back().at),
              (max_attempts - 1) * (shortest_wait - gap_slack).count())
        << name;
    EXPECT_GE(shortest_gap(got), (shortest_wait - gap_slack).count()) << name;
  }
}

} // namespace
} // namespace courier::test
