#pragma once
// The admin API's routing table: every method and path template under /v1, and the
// status page at /, with its handler. The OpenAPI document must describe exactly these
// (tests/unit/admin checks it against this table). Pure; any thread.
#include "runtime/admin/handlers.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace courier::admin {

struct route {
  const char* method;
  const char* path; // "/v1/hooks/{id}/pause": a {name} matches one non-empty segment
  route_handler handler;
};

const std::vector<route>& routes();

struct route_match {
  const route* found = nullptr;    // null: no route for this method and path
  std::vector<std::string> params; // the {placeholders}' segments when found
  std::string allowed;             // when not found: the methods the path has ("GET, POST")
};

route_match match_route(std::string_view method, std::string_view path);

} // namespace courier::admin
