#pragma once
// Output for people: aligned tables and "key: value" blocks, cells from JSON values.
// Pure; main thread.
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace courier::ctl {

using json = nlohmann::ordered_json;

class table {
public:
  explicit table(std::vector<std::string> headers);
  void add_row(std::vector<std::string> cells);
  // Each column as wide as its widest cell, two spaces between; the last one unpadded.
  std::string render() const;

private:
  std::vector<std::vector<std::string>> rows_; // the headers first
};

// One "key:  value" line per pair, the values aligned.
std::string key_values(const std::vector<std::pair<std::string, std::string>>& pairs);

// obj[key], or null when obj is not an object or lacks the key (never an assertion,
// whatever a server sent).
const json& member(const json& obj, const char* key);

// A JSON value as a cell: strings as they are (control characters escaped, at most
// `max_width` characters), null as "-", arrays joined with ",", numbers as JSON prints them.
std::string cell(const json& value, std::size_t max_width = 200);

} // namespace courier::ctl
