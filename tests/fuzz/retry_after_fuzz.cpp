// Retry-After values through parse_retry_after (delta-seconds or IMF-fixdate): never a
// negative delay, and whitespace around the value does not change the answer.
#include "actors/webhook/retry_after.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <string>

using namespace courier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A fixed "now" keeps runs reproducible: 2024-01-01T00:00:00Z.
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1704067200));
  auto text = fuzz::as_text(data, size);
  auto delay = parse_retry_after(text, now);
  if (delay)
    COURIER_FUZZ_CHECK(delay->count() >= 0);
  auto padded = parse_retry_after(" " + std::string(text) + "\t", now);
  COURIER_FUZZ_CHECK(padded == delay);
  return 0;
}
