#pragma once
// Postgres array literals for integer and text parameters ("{1,2,3}") and the parsing of
// text[] results; libpqxx 6 has no vector<->array conversion of its own.
#include <string>
#include <vector>

namespace courier {

template <class Int> std::string int_array_literal(const std::vector<Int>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

// A text[] literal ('{"a","b \"c\""}'): every element double-quoted, with '"' and '\'
// escaped, so commas, braces, spaces and the word NULL stay plain text.
std::string text_array_literal(const std::vector<std::string>& values);

// Elements of a one-dimensional text[] value as returned by libpq (quoted or bare).
std::vector<std::string> parse_text_array(const std::string& literal);

} // namespace courier
