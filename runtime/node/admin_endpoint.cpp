#include "runtime/node/admin_endpoint.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <openssl/crypto.h>

namespace courier {

admin_endpoint::admin_endpoint(const config::node_config& cfg,
                               std::shared_ptr<prometheus::Registry> registry,
                               std::shared_ptr<lease_clock> clock)
    : cfg_(cfg), registry_(std::move(registry)), clock_(std::move(clock)) {}

void admin_endpoint::start() {
  server_.start(cfg_.admin_listen, [this](const net::admin_request& req) { return handle(req); });
}

net::admin_response admin_endpoint::handle(const net::admin_request& req) const {
  auto path = req.target.substr(0, req.target.find('?'));
  if (req.method != "GET")
    return {405, "text/plain; charset=utf-8", "only GET is supported here\n"};
  if (path == "/healthz")
    return {200, "text/plain; charset=utf-8", "ok\n"};
  if (!cfg_.admin_token.empty()) {
    auto expected = "Bearer " + cfg_.admin_token;
    bool ok = req.authorization.size() == expected.size() &&
              CRYPTO_memcmp(req.authorization.data(), expected.data(), expected.size()) == 0;
    if (!ok)
      return {401, "text/plain; charset=utf-8", "missing or wrong bearer token\n"};
  }
  if (path == "/readyz") {
    if (clock_->valid())
      return {200, "text/plain; charset=utf-8", "ready\n"};
    return {503, "text/plain; charset=utf-8", "lease not confirmed\n"};
  }
  if (path == "/metrics") {
    prometheus::TextSerializer serializer;
    return {200, "text/plain; version=0.0.4", serializer.Serialize(registry_->Collect())};
  }
  return {404, "text/plain; charset=utf-8", "not found: " + path + "\n"};
}

} // namespace courier
