#pragma once
// A small HTTP/1.1 server for a node's admin surface (health, readiness, metrics).
// Runs its own Asio thread; each request is answered by the handler given at start.
// Requests are bounded (8 KiB head, 64 KiB body, 5 s to read) and answered with
// Connection: close, so a slow or hostile client cannot pin resources.
#include <functional>
#include <memory>
#include <string>

namespace courier::net {

struct admin_request {
  std::string method;
  std::string target;
  std::string authorization; // raw Authorization header
  std::string body;
};

struct admin_response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

using admin_handler = std::function<admin_response(const admin_request&)>;

class admin_server {
public:
  admin_server();
  ~admin_server();
  // Binds host (an address or a name, resolved once here; IPv6 without brackets) and
  // port, already split and validated by config/listen_address. Throws
  // std::runtime_error when the host does not resolve or the port cannot be bound.
  void start(const std::string& host, unsigned short port, admin_handler handler);
  void stop();
  unsigned short port() const; // the bound port (useful with port 0)

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace courier::net
