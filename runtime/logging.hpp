#pragma once
// The process-wide log sink, configured once by courierd's main from log_format /
// log_level before any actor starts. Components get their named loggers from net/log.hpp.
#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace courier {

// Configures the process-wide sink: format "text" or "json", level by name.
void setup_logging(const std::string& format, const std::string& level, const std::string& node_id);

} // namespace courier
