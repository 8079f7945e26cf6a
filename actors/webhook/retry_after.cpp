#include "actors/webhook/retry_after.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <string>

namespace courier {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

} // namespace

std::optional<std::chrono::milliseconds>
parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty())
    return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    auto digits = value.substr(std::min(value.find_first_not_of('0'), value.size()));
    if (digits.size() > 9) // beyond ~31 years: treat as "as late as allowed"
      return std::chrono::hours{24 * 365};
    return std::chrono::seconds{digits.empty() ? 0 : std::stol(std::string{digits})};
  }
  // IMF-fixdate, the only date form RFC 9110 requires senders to use.
  std::tm tm{};
  std::string text{value};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0')
    return std::nullopt;
  const std::time_t date = timegm(&tm);
  const std::time_t now_seconds = std::chrono::system_clock::to_time_t(now);
  if (date <= now_seconds)
    return std::chrono::milliseconds{0};
  // As for delta-seconds, beyond ~31 years means "as late as allowed"; converting such a
  // date (years up to 9999 parse) to system_clock's nanoseconds would overflow.
  if (date - now_seconds > 999'999'999)
    return std::chrono::hours{24 * 365};
  auto when = std::chrono::system_clock::from_time_t(date);
  if (when <= now)
    return std::chrono::milliseconds{0};
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

} // namespace courier
