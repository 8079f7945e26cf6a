#pragma once
// The table of configuration keys: each key's name, what a valid value looks like, how
// to store it in node_config and how to show it. The readers use it to reject unknown
// keys, load() to apply, describe() and usage() to list every key.
#include "config/node_config.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace courier::config {

// Thrown by key_spec::apply; load() turns it into a config_error naming key and source.
struct bad_value {
  std::string note; // optional detail beyond key_spec::expected, e.g. "element 2 is empty"
};

struct key_spec {
  const char* name;
  const char* expected; // completes "expected ..., got '<value>'"
  void (*apply)(node_config& config, const std::string& text);
  // The value as an operator would write it, secrets masked; "" when unset.
  std::string (*show)(const node_config& config);
};

// In documentation order; load() applies values in this order.
const std::vector<key_spec>& key_specs();
const key_spec* find_key(std::string_view name);

} // namespace courier::config
