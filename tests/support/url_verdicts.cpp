#include "tests/support/url_verdicts.hpp"

#include <cstdio>
#include <fstream>
#include <stdexcept>

namespace courier::test {
namespace {

constexpr const char* table_path = COURIER_SOURCE_DIR "/tests/data/url_verdicts.tsv";

int hex_digit(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

// \xHH -> the byte, \\ -> a backslash; anything else after a backslash is an error.
std::string unescape(const std::string& text, int line) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (i + 3 < text.size() && text[i + 1] == 'x' && hex_digit(text[i + 2]) >= 0 &&
               hex_digit(text[i + 3]) >= 0) {
      out += static_cast<char>(hex_digit(text[i + 2]) * 16 + hex_digit(text[i + 3]));
      i += 3;
    } else {
      throw std::runtime_error(std::string{table_path} + ":" + std::to_string(line) +
                               ": bad escape (use \\xHH or \\\\)");
    }
  }
  return out;
}

} // namespace

std::vector<url_verdict> load_url_verdicts() {
  std::ifstream in(table_path);
  if (!in)
    throw std::runtime_error(std::string{"cannot read "} + table_path);
  std::vector<url_verdict> table;
  std::string text;
  for (int line = 1; std::getline(in, text); ++line) {
    if (text.empty() || text.front() == '#')
      continue;
    auto tab = text.find('\t');
    auto verdict = text.substr(0, tab);
    if (tab == std::string::npos || (verdict != "accept" && verdict != "reject"))
      throw std::runtime_error(std::string{table_path} + ":" + std::to_string(line) +
                               ": expected accept|reject<TAB>url");
    table.push_back({unescape(text.substr(tab + 1), line), verdict == "accept", line});
  }
  return table;
}

std::string printable(const std::string& url) {
  std::string out;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

} // namespace courier::test
