#pragma once
// Named spdlog loggers per component (dispatch, lease, http, store, admin, node),
// all sharing one sink configured from log_format / log_level at startup.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace courier {

// Configures the process-wide sink: format "text" or "json", level by name.
void setup_logging(const std::string& format, const std::string& level, const std::string& node_id);

// The component's logger, created on first use from the default logger's sinks.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

} // namespace courier
