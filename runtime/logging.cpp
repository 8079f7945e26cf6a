#include "runtime/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>

namespace courier {

namespace {

// The message as the inside of a JSON string: quotes, backslashes and control
// characters escaped, so every log line stays one valid JSON object.
class json_escaped_message final : public spdlog::custom_flag_formatter {
public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    for (char c : msg.payload) {
      switch (c) {
      case '"':
        dest.append(std::string_view{"\\\""});
        break;
      case '\\':
        dest.append(std::string_view{"\\\\"});
        break;
      case '\n':
        dest.append(std::string_view{"\\n"});
        break;
      case '\t':
        dest.append(std::string_view{"\\t"});
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          dest.append(std::string_view{buf});
        } else {
          dest.push_back(c);
        }
      }
    }
  }

  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<json_escaped_message>();
  }
};

std::unique_ptr<spdlog::formatter> json_formatter(const std::string& node_id) {
  auto f = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  // Node ids are validated to [A-Za-z0-9._-], so they need no escaping.
  f->add_flag<json_escaped_message>('*').set_pattern(
      R"({"ts":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","component":"%n","node":")" + node_id +
      R"(","msg":"%*"})");
  return f;
}

} // namespace

void setup_logging(const std::string& format, const std::string& level,
                   const std::string& node_id) {
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto root = std::make_shared<spdlog::logger>("node", sink);
  spdlog::drop_all();
  spdlog::set_default_logger(root);
  if (format == "json")
    spdlog::set_formatter(json_formatter(node_id));
  else
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ [%n] %v", spdlog::pattern_time_type::utc);
  spdlog::set_level(spdlog::level::from_str(level));
  spdlog::flush_on(spdlog::level::info);
}

} // namespace courier
