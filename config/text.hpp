#pragma once
// Small string helpers shared by the config readers; locale-independent on purpose so
// a node's parsing never depends on the operator's LANG.
#include <string>
#include <string_view>

namespace courier::config {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// Without leading and trailing spaces, tabs and line ends.
std::string trim(std::string_view text);
std::string to_upper(std::string_view text);
// Safe to echo to a terminal or a log line: control characters, bytes that are not
// well-formed UTF-8 and backslashes escaped (\n, \t, \xNN, \\), and anything past
// `max_shown` input bytes shortened to "...", so an error stays one readable line.
std::string printable(std::string_view text, std::size_t max_shown = 200);

} // namespace courier::config
