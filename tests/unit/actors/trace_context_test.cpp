// W3C traceparent handling for attempts: what is accepted, and the header each attempt
// sends (same trace, its own span).
#include "actors/webhook/trace_context.hpp"

#include <gtest/gtest.h>

namespace courier::webhook {
namespace {

const std::string valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(traceparent, a_version_00_value_is_parsed) {
  auto trace = parse_traceparent(valid);
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace->flags, "01");
}

TEST(traceparent, malformed_values_are_no_trace_context) {
  for (const std::string bad : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",       // no flags
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-ab", // trailing
           "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // other version
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // forbidden version
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01",    // upper case
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero parent id
           "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",    // separators
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
       })
    EXPECT_FALSE(parse_traceparent(bad)) << bad;
}

TEST(traceparent, each_attempt_keeps_the_trace_and_flags_with_its_own_span) {
  auto trace = *parse_traceparent(valid);
  auto a = attempt_traceparent(trace, 0x1);
  auto b = attempt_traceparent(trace, 0xfedcba9876543210);
  EXPECT_EQ(a, "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000001-01");
  EXPECT_EQ(b, "00-4bf92f3577b34da6a3ce929d0e0e4736-fedcba9876543210-01");
  EXPECT_TRUE(parse_traceparent(a));
  // A zero span id is invalid in W3C: never sent.
  EXPECT_EQ(attempt_traceparent(trace, 0), a);
}

TEST(traceparent, log_lines_name_the_trace_id) {
  EXPECT_EQ(trace_log_suffix(valid), " trace_id=4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(trace_log_suffix(""), "");
  EXPECT_EQ(trace_log_suffix("garbage"), "");
}

} // namespace
} // namespace courier::webhook
