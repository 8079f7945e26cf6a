// parse_retry_after: delta-seconds and HTTP-dates, relative to a given `now`.
#include "actors/webhook/retry_after.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <string>

namespace courier {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;
using sys_clock = std::chrono::system_clock;

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
