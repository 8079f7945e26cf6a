#pragma once
// Postgres array literals for integer and text parameters ("{1,2,3}") and the parsing of
// text[] results; libpqxx 6 has no vector<->array conversion of its own.
#include <string>
#include <type_traits>
#include <vector>

namespace courier {

// Int: an integer or an id enum (actors/domain/ids.hpp), written as its integer.
template <class Int> std::string int_array_literal(const std::vector<Int>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0)
      out += ',';
    if constexpr (std::is_enum_v<Int>)
      out += std::to_string(static_cast<std::underlying_type_t<Int>>(values[i]));
    else
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
