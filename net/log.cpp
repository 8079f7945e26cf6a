#include "net/log.hpp"

#include <spdlog/spdlog.h>

#include <mutex>

namespace courier::net {

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  // One lock around get-or-register: two threads asking for the same new component must
  // not both register it (spdlog throws on a duplicate name).
  static std::mutex registry;
  std::lock_guard<std::mutex> guard{registry};
  if (auto existing = spdlog::get(component))
    return existing;
  auto created = spdlog::default_logger()->clone(component);
  spdlog::register_logger(created);
  return created;
}

} // namespace courier::net
