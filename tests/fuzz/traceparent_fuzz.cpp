// traceparent values through parse_traceparent: what it accepts is exactly the W3C
// version-00 shape, and the header an attempt sends from it parses again with the same
// trace id and flags.
#include "actors/webhook/trace_context.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <cstring>

using namespace courier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  auto trace = webhook::parse_traceparent(text);
  if (!trace)
    return 0;
  COURIER_FUZZ_CHECK(text.size() == 55 && text.substr(0, 3) == "00-");
  COURIER_FUZZ_CHECK(trace->trace_id == text.substr(3, 32));
  std::uint64_t span = 0;
  std::memcpy(&span, data + 36, sizeof span); // any bits: the span id is random in production
  auto header = webhook::attempt_traceparent(*trace, span);
  auto again = webhook::parse_traceparent(header);
  COURIER_FUZZ_CHECK(again && again->trace_id == trace->trace_id && again->flags == trace->flags);
  return 0;
}
