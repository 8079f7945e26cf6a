// parse_duration, parse_duration_list and format_duration.
#include "config/node_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace courier::config {
namespace {

using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

TEST(duration, bare_number_is_milliseconds) {
  EXPECT_EQ(parse_duration("0"), 0ms);
  EXPECT_EQ(parse_duration("15000"), 15000ms);
}

TEST(duration, suffixes) {
  EXPECT_EQ(parse_duration("250ms"), 250ms);
  EXPECT_EQ(parse_duration("5s"), 5s);
  EXPECT_EQ(parse_duration("2m"), 2min);
  EXPECT_EQ(parse_duration("1h"), 1h);
  EXPECT_EQ(parse_duration(" 3s "), 3s);
}

TEST(duration, rejects_bad_spellings) {
  for (const char* bad :
       {"", " ", "abc", "s", "5x", "5 s", "5S", "1.5s", "-5s", "+5s", "5sec", "5d", "ms", "5ms5"})
    EXPECT_THROW(parse_duration(bad), std::invalid_argument) << "'" << bad << "'";
}

TEST(duration, rejects_overflow) {
  EXPECT_THROW(parse_duration("99999999999999999999"), std::invalid_argument);
  EXPECT_THROW(parse_duration("9223372036854775807h"), std::invalid_argument);
  EXPECT_THROW(parse_duration("3000000000000000h"), std::invalid_argument);
  EXPECT_EQ(parse_duration("9223372036854775807"), ms(9223372036854775807LL));
}

TEST(duration_list, parses_mixed_units) {
  EXPECT_EQ(parse_duration_list("100ms,1s,2m"), (std::vector<ms>{100ms, 1s, 2min}));
  EXPECT_EQ(parse_duration_list(" 100ms , 1s ,2m "), (std::vector<ms>{100ms, 1s, 2min}));
  EXPECT_EQ(parse_duration_list("5s"), (std::vector<ms>{5s}));
}

TEST(duration_list, rejects_empty_list_and_elements) {
  for (const char* bad : {"", "  ", ",", "1s,", ",1s", "1s,,2s", "1s, ,2s"})
    EXPECT_THROW(parse_duration_list(bad), std::invalid_argument) << "'" << bad << "'";
}

TEST(duration_list, names_the_bad_element) {
  try {
    parse_duration_list("1s,2x,3s");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("element 2"), std::string::npos) << e.what();
  }
  try {
    parse_duration_list("1s,,3s");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("element 2 is empty"), std::string::npos) << e.what();
  }
}

TEST(duration_list, rejects_overflowing_element) {
  EXPECT_THROW(parse_duration_list("1s,99999999999999999h"), std::invalid_argument);
}

TEST(format_duration, picks_the_largest_exact_unit_and_round_trips) {
  EXPECT_EQ(format_duration(0ms), "0ms");
  EXPECT_EQ(format_duration(250ms), "250ms");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(5s), "5s");
  EXPECT_EQ(format_duration(90s), "90s");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(8h), "8h");
  for (ms d : std::vector<ms>{1ms, 999ms, 1000ms, 61s, 3600001ms})
    EXPECT_EQ(parse_duration(format_duration(d)), d);
}

} // namespace
} // namespace courier::config
