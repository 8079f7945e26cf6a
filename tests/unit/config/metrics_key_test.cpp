// metrics_top_hooks: how many lagging hooks get a series of their own in /metrics.
#include "config_test_support.hpp"

namespace courier::config {
namespace {

using test::load_error;
using test::load_with;

TEST(metrics_top_hooks, defaults_to_twenty) {
  EXPECT_EQ(load_with({}).metrics_top_hooks, 20);
}

TEST(metrics_top_hooks, accepts_zero_to_a_thousand) {
  EXPECT_EQ(load_with({"--metrics_top_hooks", "0"}).metrics_top_hooks, 0);
  EXPECT_EQ(load_with({"--metrics_top_hooks", "1000"}).metrics_top_hooks, 1000);
  EXPECT_EQ(load_with({}, {"COURIER_DB=postgres://u@h/db", "COURIER_METRICS_TOP_HOOKS=5"})
                .metrics_top_hooks,
            5);
}

TEST(metrics_top_hooks, rejects_out_of_range_and_non_numbers) {
  for (const char* bad : {"-1", "1001", "ten", ""}) {
    const config_error e = load_error({"--metrics_top_hooks", bad});
    EXPECT_EQ(e.key, "metrics_top_hooks") << bad;
    EXPECT_NE(std::string(e.what()).find("expected an integer from 0 to 1000, got '" +
                                         std::string(bad) + "'"),
              std::string::npos)
        << e.what();
  }
}

TEST(metrics_top_hooks, shows_in_the_startup_line) {
  EXPECT_NE(describe(load_with({"--metrics_top_hooks", "7"})).find(" metrics_top_hooks=7"),
            std::string::npos);
}

} // namespace
} // namespace courier::config
