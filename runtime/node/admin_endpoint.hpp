#pragma once
// The node's admin HTTP surface on admin_listen: GET /healthz (process alive),
// GET /readyz (200 while the lease is confirmed, 503 otherwise) and GET /metrics
// (Prometheus text), all three open to anyone who can connect and answered on the
// server's thread; everything under /v1 is the admin API (runtime/admin), and GET / its
// HTML status page. With admin_token set, every path but the three needs
// "Authorization: Bearer <token>" (compared in constant time); the status page also takes
// ?token= and answers a login form without it (runtime/admin/status_access.hpp). Owned by run_node
// from start to exit.
#include "actors/policy/lease_clock.hpp"
#include "config/node_config.hpp"
#include "net/admin_server.hpp"
#include "net/http_sender.hpp"
#include "runtime/admin/admin_api.hpp"

#include <memory>

namespace prometheus {
class Registry;
}

namespace courier {

class admin_endpoint {
public:
  admin_endpoint(const config::node_config& cfg, std::shared_ptr<prometheus::Registry> registry,
                 std::shared_ptr<lease_clock> clock, std::shared_ptr<net::http_sender> http,
                 std::string user_agent);
  void start();
  // No new requests, then the API's pending work answered and its threads joined.
  void stop();
  unsigned short port() const { return server_.port(); }

private:
  void handle(const net::admin_request& req, net::admin_responder respond);
  net::admin_response probe(const net::admin_request& req, const std::string& path) const;

  const config::node_config& cfg_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<lease_clock> clock_;
  // Declared before the API: the API's answers go through the server, so the API
  // stops (and is destroyed) first.
  net::admin_server server_;
  admin::admin_api api_;
};

} // namespace courier
