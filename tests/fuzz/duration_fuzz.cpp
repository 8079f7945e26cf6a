// Duration lists (retry_schedule, every *_ms key) through config::parse_duration_list.
// Whatever parses must print back (format_duration) to a spelling that parses to the same
// value, as the startup log line and error messages rely on.
#include "config/node_config.hpp"
#include "tests/fuzz/fuzz_check.hpp"

#include <stdexcept>
#include <string>

using namespace courier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::chrono::milliseconds> list;
  try {
    list = config::parse_duration_list(std::string(fuzz::as_text(data, size)));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  COURIER_FUZZ_CHECK(!list.empty());
  std::string printed;
  for (auto d : list) {
    COURIER_FUZZ_CHECK(d.count() >= 0);
    COURIER_FUZZ_CHECK(config::parse_duration(config::format_duration(d)) == d);
    printed += (printed.empty() ? "" : ", ") + config::format_duration(d);
  }
  COURIER_FUZZ_CHECK(config::parse_duration_list(printed) == list);
  return 0;
}
