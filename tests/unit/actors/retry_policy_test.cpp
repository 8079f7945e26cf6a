// retry_policy::next_delay (schedule, jitter, Retry-After, cap).
#include "actors/policy/retry_policy.hpp"

#include "actors/webhook/retry_after.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>

namespace courier {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;
using sys_clock = std::chrono::system_clock;

// 1 s, 10 s, 60 s: distinct, round numbers so jitter factors are exact.
retry_policy three_steps(double jitter = 0.2) {
  return retry_policy{{1000ms, 10000ms, 60000ms}, jitter};
}

TEST(retry_policy, rejects_an_empty_schedule) {
  EXPECT_THROW(retry_policy{{}}, std::invalid_argument);
}

TEST(retry_policy, cap_is_the_last_step) {
  EXPECT_EQ(three_steps().cap(), 60000ms);
  EXPECT_EQ(retry_policy{{5ms}}.cap(), 5ms);
}

TEST(retry_policy, follows_the_schedule_without_jitter) {
  auto policy = three_steps(0.0);
  EXPECT_EQ(policy.next_delay(1, std::nullopt, 0.5), 1000ms);
  EXPECT_EQ(policy.next_delay(2, std::nullopt, 0.5), 10000ms);
  EXPECT_EQ(policy.next_delay(3, std::nullopt, 0.5), 60000ms);
}

TEST(retry_policy, beyond_the_end_repeats_the_last_step) {
  auto policy = three_steps(0.0);
  EXPECT_EQ(policy.next_delay(4, std::nullopt, 0.5), 60000ms);
  EXPECT_EQ(policy.next_delay(100, std::nullopt, 0.5), 60000ms);
  EXPECT_EQ(policy.next_delay(2147483647, std::nullopt, 0.5), 60000ms);
}

TEST(retry_policy, attempts_below_one_count_as_the_first) {
  auto policy = three_steps(0.0);
  EXPECT_EQ(policy.next_delay(0, std::nullopt, 0.5), 1000ms);
  EXPECT_EQ(policy.next_delay(-3, std::nullopt, 0.5), 1000ms);
}

TEST(retry_policy, middle_random_value_gives_the_plain_step) {
  auto policy = three_steps();
  EXPECT_EQ(policy.next_delay(1, std::nullopt, 0.5), 1000ms);
  EXPECT_EQ(policy.next_delay(2, std::nullopt, 0.5), 10000ms);
}

TEST(retry_policy, jitter_lower_bound_is_eighty_percent) {
  auto policy = three_steps();
  EXPECT_EQ(policy.next_delay(1, std::nullopt, 0.0), 800ms);
  EXPECT_EQ(policy.next_delay(2, std::nullopt, 0.0), 8000ms);
  // The last step may be jittered down, but never up.
  EXPECT_EQ(policy.next_delay(3, std::nullopt, 0.0), 48000ms);
  EXPECT_EQ(policy.next_delay(9, std::nullopt, 0.0), 48000ms);
}

TEST(retry_policy, jitter_upper_bound_is_one_hundred_twenty_percent) {
  auto policy = three_steps();
  // unit_random is in [0, 1): just below 1 gives (almost) 1.2x.
  auto almost_one = 0.999999;
  EXPECT_GE(policy.next_delay(1, std::nullopt, almost_one), 1199ms);
  EXPECT_LE(policy.next_delay(1, std::nullopt, almost_one), 1200ms);
  EXPECT_EQ(policy.next_delay(1, std::nullopt, 1.0), 1200ms);
  EXPECT_EQ(policy.next_delay(2, std::nullopt, 1.0), 12000ms);
}

TEST(retry_policy, jitter_never_exceeds_the_last_step) {
  auto policy = three_steps();
  EXPECT_EQ(policy.next_delay(3, std::nullopt, 1.0), 60000ms);
  EXPECT_EQ(policy.next_delay(50, std::nullopt, 0.999999), 60000ms);
  // A step just below the cap: 1.2 x 55 s would pass 60 s.
  retry_policy close{{55000ms, 60000ms}};
  EXPECT_EQ(close.next_delay(1, std::nullopt, 1.0), 60000ms);
}

TEST(retry_policy, jitter_stays_within_bounds_for_every_step) {
  auto policy = three_steps();
  const ms steps[] = {1000ms, 10000ms, 60000ms};
  for (int attempt = 1; attempt <= 5; ++attempt) {
    auto base = steps[std::min(attempt, 3) - 1];
    for (double r = 0.0; r < 1.0; r += 0.01) {
      auto d = policy.next_delay(attempt, std::nullopt, r);
      EXPECT_GE(d.count(), base.count() * 8 / 10) << attempt << " " << r;
      EXPECT_LE(d.count(), std::min<long long>(base.count() * 12 / 10, 60000))
          << attempt << " " << r;
    }
  }
}

TEST(retry_policy, out_of_range_random_values_are_clamped) {
  auto policy = three_steps();
  EXPECT_EQ(policy.next_delay(1, std::nullopt, -5.0), 800ms);
  EXPECT_EQ(policy.next_delay(1, std::nullopt, 7.0), 1200ms);
}

TEST(retry_policy, jitter_factor_is_clamped_to_zero_and_one) {
  retry_policy none{{1000ms, 2000ms}, -1.0};
  EXPECT_EQ(none.next_delay(1, std::nullopt, 0.0), 1000ms);
  EXPECT_EQ(none.next_delay(1, std::nullopt, 1.0), 1000ms);
  retry_policy full{{1000ms, 2000ms}, 5.0}; // factor in [0, 2]
  EXPECT_EQ(full.next_delay(1, std::nullopt, 1.0), 2000ms);
  EXPECT_EQ(full.next_delay(1, std::nullopt, 0.75), 1500ms);
}

TEST(retry_policy, delay_is_at_least_one_millisecond) {
  retry_policy full{{1ms, 5ms}, 1.0}; // factor 0 at unit_random 0
  EXPECT_EQ(full.next_delay(1, std::nullopt, 0.0), 1ms);
  retry_policy tiny{{1ms}};
  EXPECT_EQ(tiny.next_delay(1, std::nullopt, 0.0), 1ms);
}

TEST(retry_policy, retry_after_lengthens_the_wait) {
  auto policy = three_steps();
  EXPECT_EQ(policy.next_delay(1, 30000ms, 0.0), 30000ms);
  EXPECT_EQ(policy.next_delay(1, 30000ms, 0.999), 30000ms); // no jitter on the wish
  EXPECT_EQ(policy.next_delay(2, 11000ms, 0.5), 11000ms);
}

TEST(retry_policy, retry_after_never_shortens_the_step) {
  // Retry-After: 0 or a past date once meant "retry at once", forever: a subscriber
  // answering 429 so drove thousands of requests a second.
  auto policy = three_steps();
  const auto now = sys_clock::from_time_t(1445412480); // Wed, 21 Oct 2015 07:28:00 GMT
  const std::optional<ms> wishes[] = {0ms,
                                      1ms,
                                      500ms,
                                      9999ms,
                                      -5000ms,
                                      parse_retry_after("0", now),
                                      parse_retry_after("Wed, 21 Oct 2015 07:27:59 GMT", now),
                                      parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now)};
  for (const auto& wish : wishes)
    for (int attempt = 1; attempt <= 4; ++attempt)
      for (double r : {0.0, 0.5, 0.999}) {
        auto step = policy.next_delay(attempt, std::nullopt, r).count();
        EXPECT_GE(policy.next_delay(attempt, wish, r).count(), step)
            << "wish " << wish->count() << " attempt " << attempt << " r " << r;
      }
  EXPECT_EQ(policy.next_delay(1, 0ms, 0.5), 1000ms);
  EXPECT_EQ(policy.next_delay(1, 0ms, 0.0), 800ms);
  EXPECT_EQ(policy.next_delay(3, 2000ms, 0.5), 60000ms);
  EXPECT_EQ(policy.next_delay(2, 9000ms, 0.5), 10000ms);
}

TEST(retry_policy, retry_after_is_capped_by_the_last_step) {
  auto policy = three_steps();
  EXPECT_EQ(policy.next_delay(1, 60000ms, 0.5), 60000ms);
  EXPECT_EQ(policy.next_delay(1, 60001ms, 0.5), 60000ms);
  EXPECT_EQ(policy.next_delay(1, std::chrono::hours{24 * 365}, 0.5), 60000ms);
  // The cap also bounds a step jittered above it.
  EXPECT_EQ(policy.next_delay(3, std::chrono::hours{1}, 1.0), 60000ms);
}

TEST(retry_policy, retry_after_combines_with_parse) {
  auto policy = three_steps();
  auto now = sys_clock::now(); // delta-seconds do not depend on it
  EXPECT_EQ(policy.next_delay(1, parse_retry_after("5", now), 0.0), 5000ms);
  EXPECT_EQ(policy.next_delay(1, parse_retry_after("99999999999", now), 0.0), 60000ms);
  EXPECT_EQ(policy.next_delay(1, parse_retry_after("soon", now), 0.0), 800ms);
}

} // namespace
} // namespace courier
