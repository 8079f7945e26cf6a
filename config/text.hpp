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
// node_id's alphabet [A-Za-z0-9._-]: the id is written into lease rows, log lines and
// metric labels, so it never needs escaping.
inline bool is_node_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' ||
         c == '-';
}
// A libpq connection URI ("postgres://" or "postgresql://"), as opposed to a
// "key=value" connection string; the two take extra options in different syntax.
inline bool is_postgres_url(std::string_view text) {
  return text.rfind("postgres://", 0) == 0 || text.rfind("postgresql://", 0) == 0;
}

// Without leading and trailing spaces, tabs and line ends.
std::string trim(std::string_view text);
std::string to_upper(std::string_view text);
// Safe to echo to a terminal or a log line: control characters, bytes that are not
// well-formed UTF-8 and backslashes escaped (\n, \t, \xNN, \\), and anything past
// `max_shown` input bytes shortened to "...", so an error stays one readable line.
std::string printable(std::string_view text, std::size_t max_shown = 200);

} // namespace courier::config
