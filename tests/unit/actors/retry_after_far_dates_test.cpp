// parse_retry_after on HTTP-dates far in the future: found by tests/fuzz/retry_after_fuzz
// (year 8712 overflowed system_clock's nanoseconds: undefined behaviour, and in practice a
// wrapped, wrong delay).
#include "actors/webhook/retry_after.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace courier {
namespace {

// 2024-01-01T00:00:00Z, as the fuzz target uses.
const auto new_year_2024 = std::chrono::system_clock::time_point(std::chrono::seconds(1704067200));

TEST(parse_retry_after, a_date_beyond_system_clock_range_is_as_late_as_allowed) {
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 8712 07:28:00 GMT", new_year_2024),
            std::chrono::hours{24 * 365});
  EXPECT_EQ(parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", new_year_2024),
            std::chrono::hours{24 * 365});
}

TEST(parse_retry_after, a_date_within_31_years_is_taken_literally) {
  EXPECT_EQ(parse_retry_after("Mon, 01 Jan 2054 00:00:00 GMT", new_year_2024),
            std::chrono::hours{24 * (365 * 30 + 8)}); // 2024..2053: eight leap years
}

} // namespace
} // namespace courier
