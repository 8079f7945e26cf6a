#pragma once
// Parsers for one value of a given type, throwing bad_value; the key table composes them
// with each key's range.
#include "config/keys.hpp"

#include <chrono>
#include <string>

namespace courier::config {

long long parse_integer(const std::string& text, long long min, long long max);
bool parse_bool(const std::string& text);
// At least `min`; `max` only when given (zero means unbounded).
std::chrono::milliseconds parse_duration_at_least(const std::string& text,
                                                  std::chrono::milliseconds min,
                                                  std::chrono::milliseconds max = {});
// `text` must be one of the `choices` (a nullptr-terminated array).
std::string parse_choice(const std::string& text, const char* const* choices);
// Empty stays empty (no extra CAs); otherwise the file must open for reading now, not at
// the first HTTPS delivery.
std::string parse_readable_file(const std::string& text);

} // namespace courier::config
