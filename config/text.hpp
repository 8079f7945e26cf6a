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
// Control characters escaped and long values shortened, so an error stays one line.
std::string printable(std::string_view text);

} // namespace courier::config
