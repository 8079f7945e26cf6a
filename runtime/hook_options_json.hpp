#pragma once
// courier.hooks.options (jsonb, validated by courier.configure_hook) as the node's
// hook_options. Used by the store when it loads a partition's hooks.
#include "actors/domain/error.hpp"
#include "actors/domain/hook_options.hpp"

#include <string>

namespace courier {

// Fails (permanent, naming the option) on a key or value configure_hook would refuse:
// a schema this node does not understand.
result<hook_options> parse_hook_options(const std::string& json);

} // namespace courier
