// String helpers for the config readers (see text.hpp).
#include "config/text.hpp"

#include <algorithm>
#include <cstdio>

namespace courier::config {

namespace {

bool in_range(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0;
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80)
    return 1;
  std::size_t length = 0;
  unsigned char second_low = 0x80;
  unsigned char second_high = 0xBF;
  if (in_range(lead, 0xC2, 0xDF)) {
    length = 2;
  } else if (in_range(lead, 0xE0, 0xEF)) {
    length = 3;
    if (lead == 0xE0)
      second_low = 0xA0; // overlong below U+0800
    if (lead == 0xED)
      second_high = 0x9F; // UTF-16 surrogates
  } else if (in_range(lead, 0xF0, 0xF4)) {
    length = 4;
    if (lead == 0xF0)
      second_low = 0x90; // overlong below U+10000
    if (lead == 0xF4)
      second_high = 0x8F; // past U+10FFFF
  } else {
    return 0; // a continuation byte, C0/C1 (overlong) or F5..FF
  }
  if (!in_range(byte(1), second_low, second_high))
    return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (!in_range(byte(k), 0x80, 0xBF))
      return 0;
  return length;
}

void append_hex(std::string& out, unsigned char c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

} // namespace

std::string trim(std::string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin]))
    ++begin;
  while (end > begin && is_space(text[end - 1]))
    --end;
  return std::string(text.substr(begin, end - begin));
}

std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'a' && c <= 'z')
      c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string printable(std::string_view text, std::size_t max_shown) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size() && i < max_shown) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = std::max<std::size_t>(utf8_length(text, i), 1);
    // C1 controls (U+0080..U+009F, C2 80..C2 9F) steer terminals as much as C0 ones do.
    const bool c1 = c == 0xC2 && length == 2 && static_cast<unsigned char>(text[i + 1]) < 0xA0;
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\"; // so that a literal "\x41" cannot pass for an escaped byte
    } else if (c < 0x20 || c == 0x7f || c1 || (c >= 0x80 && length == 1)) {
      for (std::size_t k = 0; k < length; ++k)
        append_hex(out, static_cast<unsigned char>(text[i + k]));
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  if (i < text.size())
    out += "...";
  return out;
}

} // namespace courier::config
