#pragma once
// Talks to a courierd node's admin listener the way a probe does: finds its port in
// the node's log and sends plain GETs. Blocking; callable from any thread.
#include "tests/support/process.hpp"

#include <chrono>
#include <string>

namespace courier::test {

// The port of "admin endpoint on port N" in the node's log, waiting up to `timeout`
// for the line; throws std::runtime_error when it does not appear.
int admin_port(const courierd_process& node, std::chrono::milliseconds timeout);

// The status code of GET <path> on 127.0.0.1:<port>, or -1 when the connection fails
// or no status line arrives within `timeout`.
int http_get_status(int port, const std::string& path,
                    std::chrono::milliseconds timeout = std::chrono::seconds(2));

} // namespace courier::test
