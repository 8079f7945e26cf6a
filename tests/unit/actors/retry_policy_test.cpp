// retry_policy::next_delay (schedule, jitter, Retry-After, cap) and parse_retry_after.
#include "actors/policy/retry_policy.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
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

// Wed, 21 Oct 2015 07:28:00 GMT as a system_clock time point.
sys_clock::time_point october_21_2015() {
  std::tm tm{};
  tm.tm_year = 2015 - 1900;
  tm.tm_mon = 9;
  tm.tm_mday = 21;
  tm.tm_hour = 7;
  tm.tm_min = 28;
  tm.tm_sec = 0;
  return sys_clock::from_time_t(timegm(&tm));
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
  auto now = october_21_2015();
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
  auto now = october_21_2015();
  EXPECT_EQ(policy.next_delay(1, parse_retry_after("5", now), 0.0), 5000ms);
  EXPECT_EQ(policy.next_delay(1, parse_retry_after("99999999999", now), 0.0), 60000ms);
  EXPECT_EQ(policy.next_delay(1, parse_retry_after("soon", now), 0.0), 800ms);
}

TEST(parse_retry_after, delta_seconds) {
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after("0", now), ms{0});
  EXPECT_EQ(parse_retry_after("1", now), ms{1000});
  EXPECT_EQ(parse_retry_after("120", now), ms{120000});
  EXPECT_EQ(parse_retry_after("3600", now), ms{3600000});
}

TEST(parse_retry_after, delta_seconds_do_not_depend_on_now) {
  EXPECT_EQ(parse_retry_after("120", sys_clock::time_point{}), ms{120000});
  EXPECT_EQ(parse_retry_after("120", sys_clock::now()), ms{120000});
}

TEST(parse_retry_after, surrounding_whitespace_is_ignored) {
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after(" 120", now), ms{120000});
  EXPECT_EQ(parse_retry_after("120 ", now), ms{120000});
  EXPECT_EQ(parse_retry_after("\t 120 \r\n", now), ms{120000});
  EXPECT_EQ(parse_retry_after("  Wed, 21 Oct 2015 07:29:00 GMT  ", now), ms{60000});
}

TEST(parse_retry_after, nine_digits_are_taken_literally) {
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after("999999999", now), std::chrono::seconds{999999999});
}

TEST(parse_retry_after, leading_zeros_do_not_make_a_number_huge) {
  // RFC 9110 delay-seconds is 1*DIGIT: "0000000120" is two minutes, not a year.
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after("000000120", now), ms{120000}); // 9 characters
  EXPECT_EQ(parse_retry_after("0000000120", now), ms{120000});
}

TEST(parse_retry_after, huge_numbers_mean_as_late_as_allowed) {
  auto now = october_21_2015();
  auto year = std::chrono::hours{24 * 365};
  EXPECT_EQ(parse_retry_after("1000000000", now), year);
  EXPECT_EQ(parse_retry_after("99999999999999999999999999999", now), year);
  // Larger than any integer type: no exception may escape.
  EXPECT_NO_THROW(parse_retry_after(std::string(400, '9'), now));
}

TEST(parse_retry_after, garbage_is_rejected) {
  auto now = october_21_2015();
  for (const char* bad :
       {"", " ", "\t", "abc", "12a", "a12", "1 2", "1.5", "0x10", "120s", "1e3", "Wed, 21 Oct 2015",
        "21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00",
        "Wed, 21 Oct 2015 07:28:00 GMT trailing", "Wed, 32 Oct 2015 07:28:00 GMT",
        "Wed, 21 Foo 2015 07:28:00 GMT", "Wed, 21 Oct 2015 25:28:00 GMT"})
    EXPECT_EQ(parse_retry_after(bad, now), std::nullopt) << "'" << bad << "'";
}

TEST(parse_retry_after, negative_and_signed_numbers_are_rejected) {
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after("-1", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("-120", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("+120", now), std::nullopt);
  EXPECT_EQ(parse_retry_after("- 5", now), std::nullopt);
}

TEST(parse_retry_after, http_date_in_the_future) {
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:01 GMT", now), ms{1000});
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:30:00 GMT", now), ms{120000});
  EXPECT_EQ(parse_retry_after("Thu, 22 Oct 2015 07:28:00 GMT", now), std::chrono::hours{24});
  // Sub-second `now`: the remainder is counted in milliseconds.
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:01 GMT", now + 250ms), ms{750});
}

TEST(parse_retry_after, http_date_across_a_year_boundary) {
  auto now = october_21_2015();
  auto d = parse_retry_after("Fri, 01 Jan 2016 00:00:00 GMT", now);
  ASSERT_TRUE(d.has_value());
  // 21 Oct 07:28 -> 1 Jan 00:00 = 71 days 16 h 32 min.
  EXPECT_EQ(*d, std::chrono::hours{71 * 24 + 16} + std::chrono::minutes{32});
}

TEST(parse_retry_after, http_date_now_or_in_the_past_is_zero) {
  auto now = october_21_2015();
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now), ms{0});
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:27:59 GMT", now), ms{0});
  EXPECT_EQ(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now), ms{0});
  EXPECT_EQ(parse_retry_after("Mon, 21 Oct 2013 07:28:00 GMT", now), ms{0});
}

TEST(parse_retry_after, http_date_relative_to_the_given_now) {
  // The same header, evaluated at two instants.
  auto date = "Wed, 21 Oct 2015 08:28:00 GMT";
  EXPECT_EQ(parse_retry_after(date, october_21_2015()), std::chrono::hours{1});
  EXPECT_EQ(parse_retry_after(date, october_21_2015() + std::chrono::minutes{30}),
            std::chrono::minutes{30});
  EXPECT_EQ(parse_retry_after(date, october_21_2015() + std::chrono::hours{2}), ms{0});
}

} // namespace
} // namespace courier
