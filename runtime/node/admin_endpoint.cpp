#include "runtime/node/admin_endpoint.hpp"

#include "config/listen_address.hpp"
#include "net/bearer_token.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace courier {

namespace {

// CONTRACT.md "Admin endpoints that never need the token": probes and scrapers carry no
// secret.
bool is_open_path(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

} // namespace

admin_endpoint::admin_endpoint(const config::node_config& cfg,
                               std::shared_ptr<prometheus::Registry> registry,
                               std::shared_ptr<lease_clock> clock)
    : cfg_(cfg), registry_(std::move(registry)), clock_(std::move(clock)) {}

void admin_endpoint::start() {
  // admin_listen was validated by config::load(), so it always splits here.
  auto listen = config::parse_host_port(cfg_.admin_listen);
  server_.start(listen->host, listen->port,
                [this](const net::admin_request& req) { return handle(req); });
}

net::admin_response admin_endpoint::handle(const net::admin_request& req) const {
  auto path = req.target.substr(0, req.target.find('?'));
  // Everything but the open paths needs the token, whatever the method or path: a caller
  // without it learns nothing, not even which paths exist.
  if (!is_open_path(path) && !cfg_.admin_token.empty() &&
      !net::bearer_token_matches(req.authorization, cfg_.admin_token))
    return {401, "text/plain; charset=utf-8", "missing or wrong bearer token\n"};
  if (req.method != "GET")
    return {405, "text/plain; charset=utf-8", "only GET is supported here\n"};
  if (path == "/healthz")
    return {200, "text/plain; charset=utf-8", "ok\n"};
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
