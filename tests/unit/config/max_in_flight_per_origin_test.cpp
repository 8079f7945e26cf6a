// max_in_flight_per_origin: half of max_in_flight unless given, never above it, shown
// with its effective value in --help and the startup line.
#include "config_test_support.hpp"

namespace courier::config {
namespace {

using test::load_error;
using test::load_with;

TEST(max_in_flight_per_origin, defaults_to_half_of_max_in_flight_rounded_up) {
  EXPECT_EQ(load_with({}).origin_slots(), 128);
  EXPECT_EQ(load_with({"--max_in_flight", "4"}).origin_slots(), 2);
  EXPECT_EQ(load_with({"--max_in_flight", "5"}).origin_slots(), 3);
  EXPECT_EQ(load_with({"--max_in_flight", "1"}).origin_slots(), 1);
  EXPECT_EQ(node_config{}.origin_slots(), 128) << "also without load()";
}

TEST(max_in_flight_per_origin, a_given_value_wins_up_to_max_in_flight) {
  EXPECT_EQ(load_with({"--max_in_flight_per_origin", "7"}).origin_slots(), 7);
  EXPECT_EQ(load_with({"--max_in_flight", "4", "--max_in_flight_per_origin", "4"}).origin_slots(),
            4);
  EXPECT_EQ(load_with({}, {"COURIER_DB=postgres://u@h/db", "COURIER_MAX_IN_FLIGHT_PER_ORIGIN=1"})
                .origin_slots(),
            1);
}

TEST(max_in_flight_per_origin, refuses_values_out_of_range_naming_the_key) {
  struct rejection {
    std::vector<std::string> args;
    std::string expected;
  };
  for (const auto& r : std::vector<rejection>{
           {{"--max_in_flight_per_origin", "0"},
            "expected an integer from 1 to max_in_flight (unset: half of it), got '0'"},
           {{"--max_in_flight_per_origin", "many"}, "got 'many'"},
           {{"--max_in_flight", "4", "--max_in_flight_per_origin", "8"},
            "expected at most max_in_flight (4), got '8' (from --max_in_flight_per_origin)"},
       }) {
    const config_error e = load_error(r.args);
    const std::string what = e.what();
    EXPECT_EQ(e.key, "max_in_flight_per_origin") << what;
    EXPECT_NE(what.find(r.expected), std::string::npos) << what;
  }
}

TEST(max_in_flight_per_origin, shown_with_its_effective_value) {
  EXPECT_NE(describe(load_with({"--max_in_flight", "10"})).find("max_in_flight_per_origin=5"),
            std::string::npos);
  const std::string help = usage();
  EXPECT_NE(help.find("--max_in_flight_per_origin"), std::string::npos) << help;
  EXPECT_NE(help.find("(unset: half of it); default 128"), std::string::npos) << help;
}

} // namespace
} // namespace courier::config
