#include "runtime/node/admin_endpoint.hpp"

#include "config/listen_address.hpp"
#include "net/bearer_token.hpp"
#include "runtime/admin/problem.hpp"
#include "runtime/admin/status_access.hpp"

#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace courier {

namespace {

// CONTRACT.md "Admin endpoints that never need the token": probes and scrapers carry no
// secret.
bool is_open_path(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/metrics";
}

admin::service_options api_options(const config::node_config& cfg,
                                   std::shared_ptr<net::http_sender> http, std::string user_agent) {
  admin::service_options out;
  out.db = cfg.db;
  out.node_id = cfg.node_id;
  out.allow_private_targets = cfg.allow_private_targets;
  out.http = std::move(http);
  out.user_agent = std::move(user_agent);
  out.http_timeout = cfg.http_timeout;
  return out;
}

} // namespace

admin_endpoint::admin_endpoint(const config::node_config& cfg,
                               std::shared_ptr<prometheus::Registry> registry,
                               std::shared_ptr<lease_clock> clock,
                               std::shared_ptr<net::http_sender> http, std::string user_agent)
    : cfg_(cfg), registry_(std::move(registry)), clock_(std::move(clock)),
      api_(api_options(cfg, std::move(http), std::move(user_agent))) {}

void admin_endpoint::start() {
  // admin_listen was validated by config::load(), so it always splits here.
  auto listen = config::parse_host_port(cfg_.admin_listen);
  server_.start(listen->host, listen->port,
                [this](net::admin_request req, net::admin_responder respond) {
                  handle(req, std::move(respond));
                });
}

void admin_endpoint::stop() {
  server_.stop();
  api_.stop();
}

void admin_endpoint::handle(const net::admin_request& req, net::admin_responder respond) {
  const auto question = req.target.find('?');
  const std::string path = req.target.substr(0, question);
  const std::string query = question == std::string::npos ? "" : req.target.substr(question + 1);
  // The status page takes the token from the header or from ?token= (a browser's address
  // bar and the page's login form); without it, the form and nothing else.
  if (path == "/") {
    if (!admin::status_page_allowed(req, query, cfg_.admin_token))
      return respond(admin::status_page_login(query));
    return api_.handle(req, path, query, std::move(respond));
  }
  // Everything but the open paths needs the token, whatever the method or path: a caller
  // without it learns nothing, not even which paths exist.
  if (!is_open_path(path) && !cfg_.admin_token.empty() &&
      !net::bearer_token_matches(req.authorization, cfg_.admin_token)) {
    auto answer = admin::to_response({401, "missing or wrong bearer token", {}});
    answer.headers.emplace_back("www-authenticate", "Bearer");
    return respond(answer);
  }
  if (req.body_too_large)
    return respond(
        admin::to_response({413,
                            "the request body is over " +
                                std::to_string(net::admin_server::default_max_body) + " bytes",
                            {}}));
  if (path == "/v1" || path.rfind("/v1/", 0) == 0)
    return api_.handle(req, path, query, std::move(respond));
  if (is_open_path(path))
    return respond(probe(req, path));
  respond(admin::to_response(admin::not_found("no such path: " + path)));
}

net::admin_response admin_endpoint::probe(const net::admin_request& req,
                                          const std::string& path) const {
  if (req.method != "GET")
    return {405, "text/plain; charset=utf-8", "only GET is supported here\n", {{"allow", "GET"}}};
  if (path == "/healthz")
    return {200, "text/plain; charset=utf-8", "ok\n", {}};
  if (path == "/readyz") {
    if (clock_->valid())
      return {200, "text/plain; charset=utf-8", "ready\n", {}};
    return {503, "text/plain; charset=utf-8", "lease not confirmed\n", {}};
  }
  prometheus::TextSerializer serializer;
  return {200, "text/plain; version=0.0.4", serializer.Serialize(registry_->Collect()), {}};
}

} // namespace courier
