// Typed value parsers for the key table (see value_parsers.hpp).
#include "config/value_parsers.hpp"
#include "config/text.hpp"

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>

namespace courier::config {

long long parse_integer(const std::string& raw, long long min, long long max) {
  const std::string text = trim(raw);
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max)
    throw bad_value{};
  return value;
}

bool parse_bool(const std::string& raw) {
  // Exactly true/false: "yes", "1" or "True" are more likely typos than intent.
  const std::string text = trim(raw);
  if (text == "true")
    return true;
  if (text == "false")
    return false;
  throw bad_value{};
}

std::chrono::milliseconds parse_duration_at_least(const std::string& text,
                                                  std::chrono::milliseconds min,
                                                  std::chrono::milliseconds max) {
  std::chrono::milliseconds value{};
  try {
    value = parse_duration(text);
  } catch (const std::invalid_argument&) {
    throw bad_value{};
  }
  if (value < min)
    throw bad_value{};
  if (max.count() > 0 && value > max)
    throw bad_value{"at most " + format_duration(max)};
  return value;
}

std::string parse_choice(const std::string& raw, const char* const* choices) {
  const std::string text = trim(raw);
  for (; *choices != nullptr; ++choices)
    if (text == *choices)
      return text;
  throw bad_value{};
}

std::string parse_readable_file(const std::string& text) {
  if (text.empty())
    return text;
  struct stat st {};
  if (::stat(text.c_str(), &st) != 0)
    throw bad_value{std::strerror(errno)};
  if (S_ISDIR(st.st_mode))
    throw bad_value{"is a directory"};
  std::FILE* f = std::fopen(text.c_str(), "rb");
  if (f == nullptr)
    throw bad_value{std::strerror(errno)};
  std::fclose(f);
  return text;
}

} // namespace courier::config
