#pragma once
// Checks that span several keys (or a key's absence), run once all sources are applied.
#include "config/config_sources.hpp"
#include "config/node_config.hpp"

namespace courier::config {

// `given` is the merged raw input, used to name where a value came from. Throws config_error.
void validate(const node_config& config, const raw_settings& given);

} // namespace courier::config
