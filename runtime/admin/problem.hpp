#pragma once
// Errors of the admin API as RFC 9457 problem details (application/problem+json):
// `type`, `title`, `status`, `detail` and, when one value is to blame, `field`. Pure
// values; any thread.
#include "net/admin_server.hpp"

#include <string>

namespace courier::admin {

struct problem {
  int status = 500;
  std::string detail;
  std::string field; // the request field (JSON member or query parameter) at fault, if any
};

// 400: the body is not JSON, not an object, or names a field the request does not have.
problem malformed(std::string detail, std::string field = {});
// 422: a field's value is refused; the detail says why.
problem invalid_value(std::string field, std::string detail);
problem not_found(std::string detail);
problem conflict(std::string detail);

// The response: problem+json with the title and type that belong to the status.
net::admin_response to_response(const problem& p);

} // namespace courier::admin
