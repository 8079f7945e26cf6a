#include "runtime/admin/problem.hpp"

#include <nlohmann/json.hpp>

namespace courier::admin {

namespace {

struct kind {
  const char* slug; // the type URI's last part
  const char* title;
};

// One problem type per status: clients branch on `status`, people read `title` and
// `detail`; `type` is a stable name for documentation.
kind kind_of(int status) {
  switch (status) {
  case 400:
    return {"malformed-request", "Malformed request"};
  case 401:
    return {"unauthorized", "Unauthorized"};
  case 404:
    return {"not-found", "Not found"};
  case 405:
    return {"method-not-allowed", "Method not allowed"};
  case 409:
    return {"conflict", "Conflicts with the current state"};
  case 413:
    return {"body-too-large", "Request body too large"};
  case 422:
    return {"invalid-value", "Invalid value"};
  case 503:
    return {"unavailable", "Temporarily unavailable"};
  default:
    return {"internal-error", "Internal error"};
  }
}

} // namespace

problem malformed(std::string detail, std::string field) {
  return {400, std::move(detail), std::move(field)};
}

problem invalid_value(std::string field, std::string detail) {
  return {422, std::move(detail), std::move(field)};
}

problem not_found(std::string detail) {
  return {404, std::move(detail), {}};
}

problem conflict(std::string detail) {
  return {409, std::move(detail), {}};
}

net::admin_response to_response(const problem& p) {
  const kind k = kind_of(p.status);
  nlohmann::ordered_json body{{"type", std::string{"urn:courier:problem:"} + k.slug},
                              {"title", k.title},
                              {"status", p.status},
                              {"detail", p.detail}};
  if (!p.field.empty())
    body["field"] = p.field;
  // Text from a request or a database error may hold any bytes: never fail on them.
  return {p.status,
          "application/problem+json",
          body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n",
          {}};
}

} // namespace courier::admin
