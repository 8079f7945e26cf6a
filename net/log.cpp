#include "net/log.hpp"

#include <spdlog/spdlog.h>

namespace courier::net {

std::shared_ptr<spdlog::logger> http_logger() {
  if (auto existing = spdlog::get("http"))
    return existing;
  auto created = spdlog::default_logger()->clone("http");
  try {
    spdlog::register_logger(created);
    return created;
  } catch (const spdlog::spdlog_ex&) {
    // Another thread registered it between get() and register_logger(): use theirs.
    if (auto existing = spdlog::get("http"))
      return existing;
    return created;
  }
}

} // namespace courier::net
