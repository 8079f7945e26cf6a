#pragma once
// W3C Trace Context for webhook attempts: the `traceparent` an application stored with
// its event (SET LOCAL courier.traceparent before emitting) is continued by every
// attempt with the same trace id and a span id of its own, so the subscriber's trace
// joins the one that began in the writer's transaction. Pure: the span id comes in as
// an argument (the delivery actor draws it from its random source).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace courier::webhook {

struct trace_parent {
  std::string trace_id; // 32 lowercase hex digits, not all zero
  std::string flags;    // 2 lowercase hex digits
};

// Version 00 only (`00-<trace id>-<parent id>-<flags>`, lowercase hex, no all-zero ids);
// anything else is no trace context at all: a malformed value never fails a delivery.
std::optional<trace_parent> parse_traceparent(std::string_view text);

// The `traceparent` header of one attempt: the stored trace, `span_id` as the parent id
// (a zero span id, invalid in W3C, is replaced by 1).
std::string attempt_traceparent(const trace_parent& trace, std::uint64_t span_id);

// " trace_id=<id>" for a log line about an event with a valid stored traceparent, else "":
// an operator can find an attempt's log lines from the writer's trace.
std::string trace_log_suffix(std::string_view stored_traceparent);

} // namespace courier::webhook
