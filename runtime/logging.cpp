#include "runtime/logging.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

namespace courier {

namespace {

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::string json_pattern(const std::string& node_id) {
  // spdlog's pattern engine cannot escape the message; messages never contain quotes
  // that matter for log shippers in practice, but node ids are validated to be plain.
  return R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","component":"%n","node":")" + node_id +
         R"(","msg":"%v"})";
}

} // namespace

void setup_logging(const std::string& format, const std::string& level,
                   const std::string& node_id) {
  std::lock_guard<std::mutex> guard{registry_mutex()};
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto root = std::make_shared<spdlog::logger>("node", sink);
  spdlog::drop_all();
  spdlog::set_default_logger(root);
  if (format == "json")
    spdlog::set_pattern(json_pattern(node_id), spdlog::pattern_time_type::utc);
  else
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

std::shared_ptr<spdlog::logger> logger(const std::string& component) {
  std::lock_guard<std::mutex> guard{registry_mutex()};
  if (auto existing = spdlog::get(component))
    return existing;
  auto created = spdlog::default_logger()->clone(component);
  spdlog::register_logger(created);
  return created;
}

} // namespace courier
