#pragma once
// The "http" spdlog logger shared by the HTTP client pieces.
#include <memory>

#include <spdlog/logger.h>

namespace courier::net {

// The registered "http" logger; when nobody registered one, a clone of the default
// logger is registered under that name (once) so its level and sinks follow the
// process configuration. Callers keep the pointer instead of looking it up per request.
std::shared_ptr<spdlog::logger> http_logger();

} // namespace courier::net
