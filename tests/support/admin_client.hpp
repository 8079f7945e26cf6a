#pragma once
// Requests to a courierd admin listener, for tests: one blocking request per call on a
// fresh connection (the server answers with Connection: close), or courierctl run
// against it. Any thread.
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace courier::test {

struct admin_reply {
  int status = 0;    // 0 when no response arrived
  std::string error; // why, when status is 0
  std::string body;
  std::string content_type;
  std::string location;
};

// `authorization` is sent as the Authorization header when not empty, `body` (as
// application/json) when not empty.
admin_reply admin_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& authorization = {}, const std::string& body = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

// The built courierctl run against the node listening on `port`, as an operator would:
// courierctl --admin http://127.0.0.1:PORT --token TOKEN args... (stdout and stderr
// together in the output).
command_result courierctl(unsigned short port, const std::string& token,
                          const std::vector<std::string>& args);

// The port the node logged ("admin endpoint on port N"), once it has; nullopt when the
// node exits or `timeout` passes first.
std::optional<unsigned short> wait_admin_port(child_process& node,
                                              std::chrono::milliseconds timeout);

} // namespace courier::test
