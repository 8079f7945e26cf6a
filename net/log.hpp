#pragma once
// Named spdlog loggers per component (dispatch, lease, listen, http, store, admin, node),
// shared by every layer. net/ is the lowest layer that actors/ and runtime/ may both
// include, so the lookup lives here; the process-wide sink and level are configured once
// at startup by runtime/logging.hpp. Thread-safe.
#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace courier::net {

// The component's registered logger; on first use a clone of the default logger is
// registered under that name, so its level and sinks follow the process configuration.
// Callers keep the pointer instead of looking it up per message.
std::shared_ptr<spdlog::logger> logger(const std::string& component);

} // namespace courier::net
