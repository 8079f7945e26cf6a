#pragma once
// Requests to a courierd admin listener, for tests: one blocking request per call on a
// fresh connection (the server answers with Connection: close). Any thread.
#include "tests/support/process.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace courier::test {

struct admin_reply {
  int status = 0;    // 0 when no response arrived
  std::string error; // why, when status is 0
  std::string body;
};

// `authorization` is sent as the Authorization header when not empty.
admin_reply admin_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& authorization = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The port the node logged ("admin endpoint on port N"), once it has; nullopt when the
// node exits or `timeout` passes first.
std::optional<unsigned short> wait_admin_port(child_process& node,
                                              std::chrono::milliseconds timeout);

} // namespace courier::test
