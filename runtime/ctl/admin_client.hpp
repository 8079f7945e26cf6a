#pragma once
// courierctl's side of the admin API: one HTTP/1.1 request per call to the node named by
// --admin (or COURIER_ADMIN, default http://127.0.0.1:8480) with the bearer token of
// --token (or COURIER_ADMIN_TOKEN). Blocking, with a deadline; main thread.
#include "runtime/ctl/command_line.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace courier::ctl {

using json = nlohmann::ordered_json;

// Thrown when the API answered with an error: what() is one line for people, `body` the
// problem document (null when the answer had none).
struct api_error : command_failed {
  json body;
  api_error(const std::string& message, json problem)
      : command_failed(message), body(std::move(problem)) {}
};

// `text` percent-encoded for a query string value.
std::string query_escape(const std::string& text);

class admin_client {
public:
  static constexpr const char* default_url = "http://127.0.0.1:8480";

  // Throws usage_error when the URL is not http://host[:port][/prefix].
  admin_client(const std::string& base_url, std::string token,
               std::chrono::milliseconds timeout = std::chrono::seconds{60});
  static admin_client from(const command_line& line);

  // The answer's JSON (null for 204). Throws api_error for 4xx/5xx answers and
  // command_failed when no answer came.
  json get(const std::string& path) const { return request("GET", path, std::nullopt); }
  json post(const std::string& path, const json& body = json::object()) const {
    return request("POST", path, body);
  }
  json patch(const std::string& path, const json& body) const {
    return request("PATCH", path, body);
  }
  json del(const std::string& path) const { return request("DELETE", path, std::nullopt); }

  // Every item of a paged list (GET path?limit=..&<cursor>=..<filters>), in the list's
  // order, up to max_items. The cursor is "after" (lists by id) or "before" (newest first);
  // each page names the next in next_<cursor>.
  json list(const std::string& path, const std::string& filters,
            std::optional<std::int64_t> max_items, const std::string& cursor = "after") const;

  json request(const std::string& method, const std::string& path,
               const std::optional<json>& body) const;

private:
  std::string host_;
  std::string port_;
  std::string prefix_; // a path the API sits under, without the trailing '/'
  std::string token_;
  std::chrono::milliseconds timeout_;
};

} // namespace courier::ctl
