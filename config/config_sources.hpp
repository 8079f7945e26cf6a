#pragma once
// Readers for the three places a key can be set: the --config file, COURIER_* environment
// variables and --key flags. Each returns raw text plus its origin; typing and validation
// happen once, in load(), after precedence is applied.
#include "config/node_config.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace courier::config {

struct raw_value {
  std::string text;
  std::string origin; // "--db", "COURIER_DB" or "/etc/courier.toml line 3", for errors
};

using raw_settings = std::map<std::string, raw_value>; // key name -> value

struct source_settings {
  raw_settings settings;
  std::optional<std::string> config_path; // --config / COURIER_CONFIG, when given
  cli_request request = cli_request::run; // only flags set it
};

// argv as given to main; argv[0] is skipped. Unknown flags and flags without a value
// throw config_error, unless --help, -h or --version stands anywhere a flag may: then
// `request` says so and the errors are not reported.
source_settings read_flags(int argc, const char* const* argv);

// Only COURIER_<KEY> for known keys and COURIER_CONFIG are read; other COURIER_* variables
// are ignored because the environment is shared with whatever else runs beside the node.
source_settings read_env(const std::vector<std::string>& env);

// The largest --config file accepted (1 MiB); a real one is a few hundred bytes.
inline constexpr std::size_t max_config_file_bytes = 1024 * 1024;

// The flat TOML subset of config/README.md. Unknown keys, duplicates, syntax errors, an
// unreadable file, anything but a regular file (directory, FIFO, device) and a file over
// max_config_file_bytes throw config_error.
raw_settings read_file(const std::string& path);

// The parser behind read_file, on content already read; `path` names it in messages and
// origins.
raw_settings parse_config_file(const std::string& content, const std::string& path);

} // namespace courier::config
