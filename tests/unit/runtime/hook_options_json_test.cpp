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

TEST(hook_options_json, rate_limit_pause_after_and_headers_are_read) {
  auto parsed = parse_hook_options(
      R"({"rate_limit": 2.5, "pause_after": "90s", "headers": {"X-Team": "payments"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& o = parsed.value();
  EXPECT_EQ(o.rate_limit, 2.5);
  EXPECT_EQ(o.pause_after, 90s);
  ASSERT_EQ(o.headers.size(), 1u);
  EXPECT_EQ(o.headers[0], (std::pair<std::string, std::string>{"X-Team", "payments"}));
}

TEST(hook_options_json, what_configure_hook_refuses_is_an_error_naming_it) {
  for (const char* bad :
       {R"({"ordering": "random"})", R"({"max_attempts": 0})", R"({"max_attempts": "3"})",
        R"({"poison_policy": "drop"})", R"({"retry_schedule": "0s"})", R"({"retry_schedule": 5})",
        R"({"http_timeout_ms": -1})", R"({"rate_limit": 0})", R"({"pause_after": "0s"})",
        R"({"headers": {"Webhook-Id": "x"}})", R"({"headers": {"host": "x"}})",
        R"({"headers": {"x-n": 5}})", "[]", "not json"}) {
    auto parsed = parse_hook_options(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.error().code, errc::permanent);
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
}

} // namespace
} // namespace courier
