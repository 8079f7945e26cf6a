#pragma once
// A small HTTP/1.1 server for a node's admin surface. Owns one Asio thread; each request
// goes to the handler given at start, on that thread, with a responder the handler (or
// whoever it hands the work to) calls once, from any thread. Requests are bounded (8 KiB
// head, `max_body` body, 5 s to read the head, 10 s for the body) and answered with
// Connection: close, so a slow or hostile client cannot pin resources. Knows HTTP only:
// what a path means is the handler's business.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace courier::net {

struct admin_request {
  std::string method;
  std::string target;
  std::string authorization; // raw Authorization header
  std::string content_type;
  std::string body;
  // The body was longer than max_body: `body` is empty, the rest is not read, and the
  // connection closes after the answer (which should be 413).
  bool body_too_large = false;
};

struct admin_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers; // extra ones: Location, Allow
};

// Sends the answer. Call it exactly once (later calls are ignored), from any thread,
// before the server is destroyed.
using admin_responder = std::function<void(admin_response)>;
using admin_handler = std::function<void(admin_request, admin_responder)>;

class admin_server {
public:
  static constexpr std::size_t default_max_body = 1024 * 1024;

  admin_server();
  ~admin_server();
  // Binds host (an address or a name, resolved once here; IPv6 without brackets) and
  // port, already split and validated by config/listen_address. Throws
  // std::runtime_error when the host does not resolve or the port cannot be bound.
  void start(const std::string& host, unsigned short port, admin_handler handler,
             std::size_t max_body = default_max_body);
  void stop();
  unsigned short port() const; // the bound port (useful with port 0)

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace courier::net
