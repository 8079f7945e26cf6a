#include "actors/webhook/trace_context.hpp"

#include <cstdio>

namespace courier::webhook {

namespace {

bool is_lower_hex(std::string_view text) {
  for (char c : text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool all_zero(std::string_view text) {
  return text.find_first_not_of('0') == std::string_view::npos;
}

} // namespace

std::optional<trace_parent> parse_traceparent(std::string_view text) {
  // 00-<32 hex>-<16 hex>-<2 hex>: 55 characters, dashes at 2, 35 and 52.
  if (text.size() != 55 || text[2] != '-' || text[35] != '-' || text[52] != '-')
    return std::nullopt;
  auto version = text.substr(0, 2), trace = text.substr(3, 32), parent = text.substr(36, 16),
       flags = text.substr(53, 2);
  if (version != "00" || !is_lower_hex(trace) || !is_lower_hex(parent) || !is_lower_hex(flags) ||
      all_zero(trace) || all_zero(parent))
    return std::nullopt;
  return trace_parent{std::string{trace}, std::string{flags}};
}

std::string attempt_traceparent(const trace_parent& trace, std::uint64_t span_id) {
  char span[17];
  std::snprintf(span, sizeof span, "%016llx",
                static_cast<unsigned long long>(span_id == 0 ? 1 : span_id));
  return "00-" + trace.trace_id + "-" + span + "-" + trace.flags;
}

std::string trace_log_suffix(std::string_view stored_traceparent) {
  auto trace = parse_traceparent(stored_traceparent);
  return trace ? " trace_id=" + trace->trace_id : std::string{};
}

} // namespace courier::webhook
