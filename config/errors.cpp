// config_error and its one-line message format.
#include "config/errors.hpp"

namespace courier::config {

config_error::config_error(std::string k, std::string m)
    : key(std::move(k)), message(std::move(m)) {}

config_error key_error(const std::string& key, const std::string& what, const std::string& origin,
                       const std::string& note) {
  std::string message = "config key '" + key + "': " + what;
  std::string extra = note;
  if (!origin.empty())
    extra += (extra.empty() ? "from " : "; from ") + origin;
  if (!extra.empty())
    message += " (" + extra + ")";
  return config_error(key, std::move(message));
}

} // namespace courier::config
