// describe(): the startup log line, every key of the key table with secrets masked.
#include "config/keys.hpp"
#include "config/node_config.hpp"
#include "config/text.hpp"

namespace courier::config {

namespace {

// Values are escaped, and those with spaces (libpq keyword strings, paths) quoted, so the
// line still splits cleanly into key=value pairs.
std::string field(const std::string& raw) {
  if (raw.empty())
    return "(none)";
  const std::string value = printable(raw);
  if (value.find_first_of(" \"") == std::string::npos)
    return value;
  std::string out = "\"";
  for (char c : value)
    out += c == '"' ? std::string("\\\"") : std::string(1, c);
  return out + "\"";
}

} // namespace

std::string describe(const node_config& config) {
  std::string line;
  for (const auto& spec : key_specs())
    line += (line.empty() ? "" : " ") + std::string(spec.name) + "=" + field(spec.show(config));
  return line;
}

} // namespace courier::config
