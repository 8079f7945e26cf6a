#include "runtime/admin/paging.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>

namespace courier::admin {

std::string compact_json(const std::string& text) {
  return nlohmann::ordered_json::parse(text).dump();
}

std::string page_json(const pqxx::result& rows, int limit, const char* cursor) {
  const auto shown = std::min<std::size_t>(rows.size(), static_cast<std::size_t>(limit));
  std::string items;
  for (std::size_t i = 0; i < shown; ++i)
    items += (i > 0 ? "," : "") + compact_json(rows[i][0].as<std::string>());
  std::string next = "null";
  if (rows.size() > shown)
    next = std::to_string(rows[shown - 1][1].as<std::int64_t>());
  return R"({"items":[)" + items + R"(],")" + cursor + R"(":)" + next + "}";
}

} // namespace courier::admin
