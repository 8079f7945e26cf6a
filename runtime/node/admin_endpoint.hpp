#pragma once
// The node's admin HTTP surface on admin_listen: GET /healthz (process alive),
// GET /readyz (200 while the lease is confirmed, 503 otherwise) and GET /metrics
// (Prometheus text), all three open to anyone who can connect. With admin_token set,
// every other path needs "Authorization: Bearer <token>" (compared in constant time).
#include "actors/policy/lease_clock.hpp"
#include "config/node_config.hpp"
#include "net/admin_server.hpp"

#include <memory>

namespace prometheus {
class Registry;
}

namespace courier {

class admin_endpoint {
public:
  admin_endpoint(const config::node_config& cfg, std::shared_ptr<prometheus::Registry> registry,
                 std::shared_ptr<lease_clock> clock);
  void start();
  void stop() { server_.stop(); }
  unsigned short port() const { return server_.port(); }

private:
  net::admin_response handle(const net::admin_request& req) const;

  const config::node_config& cfg_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<lease_clock> clock_;
  net::admin_server server_;
};

} // namespace courier
