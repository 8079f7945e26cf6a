// load(): merges defaults, file, environment and flags (in rising precedence), then types
// and validates the result.
#include "config/node_config.hpp"
#include "config/config_sources.hpp"
#include "config/errors.hpp"
#include "config/keys.hpp"
#include "config/redact.hpp"
#include "config/text.hpp"
#include "config/validate.hpp"

#include <cstdio>
#include <unistd.h>

namespace courier::config {

namespace {

// <hostname>-<pid>, reduced to node_id's alphabet and length so the default is always valid.
std::string default_node_id() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "node");
  std::string name = host;
  for (char& c : name) {
    if (!is_node_id_char(c))
      c = '-';
  }
  const std::string suffix = "-" + std::to_string(::getpid());
  if (name.size() + suffix.size() > 64)
    name.resize(64 - suffix.size());
  return name + suffix;
}

config_error value_error(const key_spec& spec, const raw_value& given, const std::string& note) {
  // The db string may carry a password; it is the one value shown back in masked form.
  const std::string shown = spec.name == std::string("db") ? redact_db(given.text) : given.text;
  return key_error(spec.name,
                   std::string("expected ") + spec.expected + ", got '" + printable(shown) + "'",
                   given.origin, note);
}

} // namespace

node_config load(int argc, const char* const* argv, const std::vector<std::string>& env) {
  const source_settings flags = read_flags(argc, argv);
  const source_settings environment = read_env(env);

  const std::optional<std::string>& path =
      flags.config_path ? flags.config_path : environment.config_path;
  raw_settings given;
  if (path && !path->empty()) // an empty --config= explicitly means "no file"
    given = read_file(*path);
  for (const auto& [key, value] : environment.settings)
    given[key] = value;
  for (const auto& [key, value] : flags.settings)
    given[key] = value;

  node_config config;
  for (const auto& spec : key_specs()) {
    const auto it = given.find(spec.name);
    if (it == given.end())
      continue;
    try {
      spec.apply(config, it->second.text);
    } catch (const bad_value& e) {
      throw value_error(spec, it->second, e.note);
    }
  }
  if (config.node_id.empty())
    config.node_id = default_node_id();
  validate(config, given);
  return config;
}

} // namespace courier::config
