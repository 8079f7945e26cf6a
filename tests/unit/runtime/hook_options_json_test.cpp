// courier.hooks.options as the node reads it: what courier.configure_hook stores parses,
// anything else is refused naming the option.
#include "runtime/hook_options_json.hpp"

#include <gtest/gtest.h>

namespace courier {
namespace {

using namespace std::chrono_literals;

TEST(hook_options_json, no_options_take_the_nodes_values) {
  auto parsed = parse_hook_options("{}");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value(), hook_options{});
}

TEST(hook_options_json, every_option_is_read) {
  auto parsed = parse_hook_options(R"({"retry_schedule": "50ms,1s,2m", "max_attempts": 3,
                                       "poison_policy": "dead_letter", "http_timeout_ms": 2500})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& o = parsed.value();
  EXPECT_EQ(o.retry_schedule, (std::vector<std::chrono::milliseconds>{50ms, 1s, 2min}));
  EXPECT_EQ(o.max_attempts, 3);
  EXPECT_EQ(o.poison, config::poison_policy::dead_letter);
  EXPECT_EQ(o.http_timeout, 2500ms);
}

TEST(hook_options_json, what_configure_hook_refuses_is_an_error_naming_it) {
  for (const char* bad :
       {R"({"ordering": "none"})", R"({"max_attempts": 0})", R"({"max_attempts": "3"})",
        R"({"poison_policy": "drop"})", R"({"retry_schedule": "0s"})", R"({"retry_schedule": 5})",
        R"({"http_timeout_ms": -1})", "[]", "not json"}) {
    auto parsed = parse_hook_options(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, errc::permanent);
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
}

} // namespace
} // namespace courier
