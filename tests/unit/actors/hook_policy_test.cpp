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

} // namespace
} // namespace courier
