// A hook's delivery settings: its own options where set, the node's elsewhere.
#include "actors/policy/hook_policy.hpp"

#include <gtest/gtest.h>

namespace courier {
namespace {

using namespace std::chrono_literals;

config::node_config node() {
  config::node_config c;
  c.poison = config::poison_policy::block;
  c.max_attempts = 10;
  c.http_timeout = 15s;
  return c;
}

TEST(hook_policy, unset_options_take_the_nodes_values) {
  retry_policy node_retry{{5s, 30s}, 0.0};
  auto p = hook_policy::resolve({}, node(), node_retry);
  EXPECT_EQ(p.poison, config::poison_policy::block);
  EXPECT_EQ(p.max_attempts, 10);
  EXPECT_EQ(p.http_timeout, 15s);
  EXPECT_EQ(p.retry.next_delay(1, std::nullopt, 0.5), 5s);
  EXPECT_FALSE(p.parks_after(100)) << "block never parks";
}

TEST(hook_policy, a_hooks_own_options_win) {
  hook_options own;
  own.retry_schedule = std::vector<std::chrono::milliseconds>{100ms};
  own.poison = config::poison_policy::dead_letter;
  own.max_attempts = 2;
  own.http_timeout = 500ms;
  auto p = hook_policy::resolve(own, node(), retry_policy{{5s}, 0.0});
  EXPECT_EQ(p.http_timeout, 500ms);
  EXPECT_EQ(p.retry.cap(), 100ms);
  EXPECT_FALSE(p.parks_after(1));
  EXPECT_TRUE(p.parks_after(2));
}

TEST(hook_policy, rate_limit_spaces_requests_a_hair_above_one_over_the_rate) {
  hook_options own;
  auto unlimited = hook_policy::resolve(own, node(), retry_policy{{5s}, 0.0});
  EXPECT_EQ(unlimited.send_interval.count(), 0);
  own.rate_limit = 5;
  auto p = hook_policy::resolve(own, node(), retry_policy{{5s}, 0.0});
  EXPECT_GE(p.send_interval, 200ms);
  EXPECT_LE(p.send_interval, 202ms);
}

TEST(hook_policy, pause_after_is_the_hooks_or_the_nodes_and_zero_never_pauses) {
  auto cfg = node();
  cfg.pause_after = 72h;
  auto p = hook_policy::resolve({}, cfg, retry_policy{{5s}, 0.0});
  const std::int64_t day = 24 * 3600 * 1000;
  EXPECT_FALSE(p.pauses(1000, 1000 + 3 * day - 1));
  EXPECT_TRUE(p.pauses(1000, 1000 + 3 * day));
  EXPECT_FALSE(p.pauses(0, 1000 + 3 * day)) << "not failing";
  hook_options own;
  own.pause_after = 1s;
  EXPECT_TRUE(hook_policy::resolve(own, cfg, retry_policy{{5s}, 0.0}).pauses(1000, 2000));
  cfg.pause_after = 0ms;
  EXPECT_FALSE(hook_policy::resolve({}, cfg, retry_policy{{5s}, 0.0}).pauses(1000, 1000 + day));
}

} // namespace
} // namespace courier
