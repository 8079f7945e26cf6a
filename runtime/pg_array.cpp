#include "runtime/pg_array.hpp"

#include <pqxx/pqxx>

namespace courier {

std::string text_array_literal(const std::vector<std::string>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += i > 0 ? ",\"" : "\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\')
        out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::vector<std::string> parse_text_array(const std::string& literal) {
  std::vector<std::string> out;
  pqxx::array_parser parser{literal.c_str()};
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done;
       item = parser.get_next()) {
    if (item.first == pqxx::array_parser::string_value)
      out.push_back(item.second);
  }
  return out;
}

} // namespace courier
