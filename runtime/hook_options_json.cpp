#include "runtime/hook_options_json.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace courier {

namespace {

std::string text_of(const nlohmann::json& value, const char* option) {
  if (!value.is_string())
    throw std::invalid_argument(std::string{option} + " must be a string");
  return value.get<std::string>();
}

int positive_int(const nlohmann::json& value, const char* option) {
  if (!value.is_number_integer() || value.get<long long>() < 1 ||
      value.get<long long>() > 1'000'000'000)
    throw std::invalid_argument(std::string{option} + " must be a positive integer");
  return value.get<int>();
}

} // namespace

result<hook_options> parse_hook_options(const std::string& json) {
  hook_options out;
  try {
    auto doc = nlohmann::json::parse(json);
    if (!doc.is_object())
      throw std::invalid_argument("not a JSON object");
    for (const auto& [key, value] : doc.items()) {
      if (key == "retry_schedule") {
        out.retry_schedule = config::parse_duration_list(text_of(value, "retry_schedule"));
        for (auto step : *out.retry_schedule)
          if (step.count() <= 0)
            throw std::invalid_argument("retry_schedule has a zero step");
      } else if (key == "max_attempts") {
        out.max_attempts = positive_int(value, "max_attempts");
      } else if (key == "poison_policy") {
        auto policy = text_of(value, "poison_policy");
        if (policy != "block" && policy != "dead_letter")
          throw std::invalid_argument("poison_policy must be block or dead_letter");
        out.poison =
            policy == "block" ? config::poison_policy::block : config::poison_policy::dead_letter;
      } else if (key == "http_timeout_ms") {
        out.http_timeout = std::chrono::milliseconds{positive_int(value, "http_timeout_ms")};
      } else {
        throw std::invalid_argument("unknown option " + key);
      }
    }
  } catch (const std::exception& e) {
    return error{errc::permanent, std::string{"hook options "} + json + ": " + e.what()};
  }
  return out;
}

} // namespace courier
