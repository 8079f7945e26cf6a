#include "runtime/hook_options_json.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
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

// Names Courier sets itself; configure_hook refuses them, and so does this reader.
bool reserved_header(std::string name) {
  for (auto& c : name)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* prefix : {"webhook-", "courier-"})
    if (name.rfind(prefix, 0) == 0)
      return true;
  for (const char* own : {"content-type", "host", "content-length", "transfer-encoding",
                          "connection", "traceparent", "user-agent"})
    if (name == own)
      return true;
  return false;
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
      } else if (key == "rate_limit") {
        if (!value.is_number() || value.get<double>() <= 0)
          throw std::invalid_argument("rate_limit must be a positive number");
        out.rate_limit = value.get<double>();
      } else if (key == "pause_after") {
        out.pause_after = config::parse_duration(text_of(value, "pause_after"));
        if (out.pause_after->count() <= 0)
          throw std::invalid_argument("pause_after must be a positive duration");
      } else if (key == "batch_max") {
        out.batch_max = positive_int(value, "batch_max");
      } else if (key == "batch_max_bytes") {
        out.batch_max_bytes = positive_int(value, "batch_max_bytes");
      } else if (key == "ordering") {
        auto ordering = text_of(value, "ordering");
        if (ordering != "strict" && ordering != "none")
          throw std::invalid_argument("ordering must be strict or none");
        out.unordered = ordering == "none";
      } else if (key == "max_in_flight_per_hook") {
        out.max_in_flight_per_hook = positive_int(value, "max_in_flight_per_hook");
      } else if (key == "headers") {
        if (!value.is_object())
          throw std::invalid_argument("headers must be an object");
        for (const auto& [name, text] : value.items()) {
          if (reserved_header(name))
            throw std::invalid_argument("header " + name + " is set by Courier itself");
          out.headers.emplace_back(name, text_of(text, "a header value"));
        }
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
