// backoff, failure_history and restart_policy: the timing every supervisor uses,
// driven with explicit time points and random draws (no clock, no sleeping).
#include "actors/policy/backoff.hpp"

#include <gtest/gtest.h>

namespace courier {
namespace {

using namespace std::chrono_literals;
using steady = failure_history::clock;

// A fixed, clearly positive instant so arithmetic below never goes near the epoch.
const steady::time_point t0 = steady::time_point{} + 1000h;

// The deliverers' defaults: 100 ms doubling to 10 s; 5 restarts in 60 s, then 60 s off.
const backoff doubling{100ms, 2.0, 10s, 0.0};
const restart_policy deliverers{doubling, {5, 60s, 60s}};

TEST(backoff, grows_by_the_factor_from_the_base) {
  EXPECT_EQ(doubling.delay(1, 0.5), 100ms);
  EXPECT_EQ(doubling.delay(2, 0.5), 200ms);
  EXPECT_EQ(doubling.delay(3, 0.5), 400ms);
  EXPECT_EQ(doubling.delay(7, 0.5), 6400ms);
  EXPECT_EQ((backoff{500ms, 3.0, 1h, 0.0}.delay(3, 0.5)), 4500ms);
}

TEST(backoff, stops_at_the_cap_however_many_failures) {
  EXPECT_EQ(doubling.delay(8, 0.5), 10s);
  EXPECT_EQ(doubling.delay(1000, 0.5), 10s);
  EXPECT_EQ(doubling.delay(2147483647, 0.5), 10s);
}

TEST(backoff, failures_below_one_count_as_the_first) {
  EXPECT_EQ(doubling.delay(0, 0.5), 100ms);
  EXPECT_EQ(doubling.delay(-5, 0.5), 100ms);
}

TEST(backoff, jitter_spreads_around_the_delay_and_never_past_the_cap) {
  const backoff jittered{1000ms, 2.0, 10s, 0.2};
  EXPECT_EQ(jittered.delay(1, 0.0), 800ms);
  EXPECT_EQ(jittered.delay(1, 0.5), 1000ms);
  EXPECT_EQ(jittered.delay(1, 0.75), 1100ms);
  EXPECT_EQ(jittered.delay(2, 0.25), 1800ms);
  EXPECT_EQ(jittered.delay(10, 0.0), 8s);
  EXPECT_EQ(jittered.delay(10, 0.99), 10s);
  // Out-of-range draws are clamped, not trusted.
  EXPECT_EQ(jittered.delay(1, -3.0), 800ms);
  EXPECT_EQ(jittered.delay(1, 7.0), 1200ms);
}

TEST(backoff, without_jitter_the_draw_does_not_matter) {
  EXPECT_EQ(doubling.delay(3, 0.0), doubling.delay(3, 0.99));
}

TEST(failure_history, counts_failures_within_the_window) {
  failure_history h;
  EXPECT_EQ(h.record(t0, 60s), 1);
  EXPECT_EQ(h.record(t0 + 10s, 60s), 2);
  EXPECT_EQ(h.record(t0 + 60s, 60s), 3);       // exactly one window later still counts
  EXPECT_EQ(h.record(t0 + 60s + 1ms, 60s), 3); // the first has aged out
  EXPECT_EQ(h.record(t0 + 200s, 60s), 1);
  h.clear();
  EXPECT_EQ(h.record(t0 + 201s, 60s), 1);
}

TEST(restart_policy, restarts_with_backoff_until_the_budget_is_spent) {
  failure_history h;
  for (int n = 1; n <= 5; ++n) {
    auto d = deliverers.on_failure(h, t0 + n * 1s, 0.5);
    EXPECT_EQ(d.failures, n);
    EXPECT_FALSE(d.quarantine) << "failure " << n;
    EXPECT_EQ(d.delay, doubling.delay(n, 0.5));
  }
  auto sixth = deliverers.on_failure(h, t0 + 6s, 0.5);
  EXPECT_EQ(sixth.failures, 6);
  EXPECT_TRUE(sixth.quarantine);
  EXPECT_EQ(sixth.delay, 60s);
  // The quarantine starts a fresh budget.
  auto after = deliverers.on_failure(h, t0 + 70s, 0.5);
  EXPECT_EQ(after.failures, 1);
  EXPECT_FALSE(after.quarantine);
  EXPECT_EQ(after.delay, 100ms);
}

TEST(restart_policy, failures_spread_wider_than_the_window_never_quarantine) {
  failure_history h;
  for (int n = 0; n < 50; ++n) {
    auto d = deliverers.on_failure(h, t0 + n * 13s, 0.5);
    EXPECT_FALSE(d.quarantine) << "failure " << n + 1;
    EXPECT_LE(d.failures, 5);
  }
}

TEST(restart_policy, a_zero_budget_quarantines_the_first_failure) {
  failure_history h;
  const restart_policy strict{doubling, {0, 60s, 5s}};
  auto d = strict.on_failure(h, t0, 0.5);
  EXPECT_TRUE(d.quarantine);
  EXPECT_EQ(d.delay, 5s);
}

TEST(restart_policy, backoff_only_grows_the_delay_but_never_quarantines) {
  failure_history h;
  for (int n = 1; n <= 20; ++n) {
    auto d = deliverers.backoff_only(h, t0 + n * 1s, 0.5);
    EXPECT_EQ(d.failures, n);
    EXPECT_FALSE(d.quarantine) << "failure " << n;
    EXPECT_EQ(d.delay, doubling.delay(n, 0.5));
  }
  // The window still applies: old failures stop lengthening the wait.
  auto later = deliverers.backoff_only(h, t0 + 200s, 0.5);
  EXPECT_EQ(later.failures, 1);
  EXPECT_EQ(later.delay, 100ms);
}

} // namespace
} // namespace courier
