#pragma once
// One blocking HTTP/1.1 request and its answer, with one deadline for connect, write and
// read: how courierctl (and the tests' admin client) talk to an admin listener, which
// answers every request with Connection: close. Any thread; no state between calls.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace courier::ctl {

struct http_answer {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string location;
};

using http_headers = std::vector<std::pair<std::string, std::string>>;

// Throws std::runtime_error saying why when the host does not resolve, nothing answers,
// or the deadline passes first.
http_answer http_exchange(const std::string& host, const std::string& port,
                          const std::string& method, const std::string& target,
                          const http_headers& headers, const std::string& body,
                          std::chrono::milliseconds timeout);

} // namespace courier::ctl
