// Duration spellings shared by every *_ms key and by retry_schedule.
#include "config/node_config.hpp"
#include "config/text.hpp"

#include <cstdint>
#include <limits>
#include <stdexcept>

namespace courier::config {

namespace {

struct unit {
  const char* suffix;
  std::int64_t ms;
};

// Ordered largest first so format_duration picks the shortest exact spelling.
constexpr unit units[] = {{"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}};

std::int64_t unit_ms(const std::string& suffix, const std::string& text) {
  if (suffix.empty())
    return 1; // a bare number is milliseconds, matching the *_ms key names
  for (const auto& u : units)
    if (suffix == u.suffix)
      return u.ms;
  throw std::invalid_argument("unknown unit '" + suffix + "' in '" + text +
                              "' (use ms, s, m or h)");
}

} // namespace

std::chrono::milliseconds parse_duration(const std::string& raw) {
  const std::string text = trim(raw);
  if (text.empty())
    throw std::invalid_argument("empty duration");
  std::size_t digits = 0;
  while (digits < text.size() && is_digit(text[digits]))
    ++digits;
  if (digits == 0)
    throw std::invalid_argument("'" + text + "' does not start with a number");
  const std::int64_t per_unit = unit_ms(text.substr(digits), text);
  // Accumulate with an overflow check: a typo like 99999999999999h must not wrap.
  const std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::int64_t value = 0;
  for (std::size_t i = 0; i < digits; ++i) {
    const int d = text[i] - '0';
    if (value > (max - d) / 10)
      throw std::invalid_argument("'" + text + "' is too large");
    value = value * 10 + d;
  }
  if (value > max / per_unit)
    throw std::invalid_argument("'" + text + "' is too large");
  return std::chrono::milliseconds(value * per_unit);
}

std::vector<std::chrono::milliseconds> parse_duration_list(const std::string& text) {
  if (trim(text).empty())
    throw std::invalid_argument("empty list");
  std::vector<std::chrono::milliseconds> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string element =
        trim(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    const std::string position = "element " + std::to_string(out.size() + 1);
    if (element.empty())
      throw std::invalid_argument(position + " is empty");
    try {
      out.push_back(parse_duration(element));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(position + ": " + e.what());
    }
    if (comma == std::string::npos)
      return out;
    start = comma + 1;
  }
}

std::string format_duration(std::chrono::milliseconds d) {
  const std::int64_t ms = d.count();
  if (ms == 0)
    return "0ms";
  for (const auto& u : units)
    if (ms % u.ms == 0)
      return std::to_string(ms / u.ms) + u.suffix;
  return std::to_string(ms) + "ms"; // unreachable: the ms unit divides everything
}

} // namespace courier::config
