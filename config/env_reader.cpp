// COURIER_<KEY> environment variables, between flags and the file in precedence.
#include "config/config_sources.hpp"
#include "config/keys.hpp"
#include "config/text.hpp"

namespace courier::config {

source_settings read_env(const std::vector<std::string>& env) {
  static const std::string prefix = "COURIER_";
  source_settings out;
  for (const auto& entry : env) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos || entry.compare(0, prefix.size(), prefix) != 0)
      continue;
    const std::string name = entry.substr(0, eq);
    const std::string value = entry.substr(eq + 1);
    if (name == "COURIER_CONFIG") {
      if (!out.config_path && !value.empty())
        out.config_path = value;
      continue;
    }
    for (const auto& spec : key_specs()) {
      // First occurrence wins, as with getenv(), should envp ever list a name twice.
      if (prefix + to_upper(spec.name) == name && out.settings.count(spec.name) == 0)
        out.settings[spec.name] = raw_value{value, name};
    }
  }
  return out;
}

} // namespace courier::config
