#include "runtime/ctl/table.hpp"

#include "config/text.hpp"

#include <algorithm>

namespace courier::ctl {

table::table(std::vector<std::string> headers) {
  rows_.push_back(std::move(headers));
}

void table::add_row(std::vector<std::string> cells) {
  cells.resize(rows_.front().size());
  rows_.push_back(std::move(cells));
}

std::string table::render() const {
  std::vector<std::size_t> widths(rows_.front().size(), 0);
  for (const auto& row : rows_)
    for (std::size_t c = 0; c < row.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size())
        line += std::string(widths[c] - row[c].size() + 2, ' ');
    }
    out += line + "\n";
  }
  return out;
}

std::string key_values(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::size_t width = 0;
  for (const auto& [key, value] : pairs)
    width = std::max(width, key.size());
  std::string out;
  for (const auto& [key, value] : pairs)
    out += key + ":" + std::string(width - key.size() + 2, ' ') + value + "\n";
  return out;
}

const json& member(const json& obj, const char* key) {
  static const json null_value;
  if (!obj.is_object())
    return null_value;
  auto it = obj.find(key);
  return it == obj.end() ? null_value : *it;
}

std::string cell(const json& value, std::size_t max_width) {
  if (value.is_null())
    return "-";
  if (value.is_string())
    return config::printable(value.get<std::string>(), max_width);
  if (value.is_array()) {
    std::string joined;
    for (const auto& element : value)
      joined += (joined.empty() ? "" : ",") + cell(element, max_width);
    return joined;
  }
  return value.dump();
}

} // namespace courier::ctl
