#pragma once
// Builds config_error messages in the one format operators see on exit code 2.
#include "config/node_config.hpp"

#include <string>

namespace courier::config {

// "config key '<key>': <what> (<note>; from <origin>)"; the parenthesis holds only what
// is known.
config_error key_error(const std::string& key, const std::string& what,
                       const std::string& origin = {}, const std::string& note = {});

} // namespace courier::config
