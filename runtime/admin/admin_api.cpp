#include "runtime/admin/admin_api.hpp"

#include "runtime/admin/routes.hpp"

namespace courier::admin {

admin_api::admin_api(service_options options)
    : service_(std::move(options)), retirer_(service_, std::chrono::seconds{1}) {}

admin_api::~admin_api() {
  stop();
}

void admin_api::stop() {
  retirer_.stop();
  service_.stop();
}

void admin_api::handle(const net::admin_request& req, std::string_view path, std::string_view query,
                       net::admin_responder respond) {
  auto found = match_route(req.method, path);
  if (found.found == nullptr) {
    if (found.allowed.empty())
      return respond(to_response(not_found("no such path: " + std::string{path})));
    auto answer = to_response({405, req.method + " is not allowed here", {}});
    answer.headers.emplace_back("allow", found.allowed);
    return respond(answer);
  }
  // Bounded: a burst of slow requests queues here at most this deep.
  if (pending_->fetch_add(1) >= max_pending) {
    pending_->fetch_sub(1);
    auto answer = to_response({503, "too many admin requests in progress; retry shortly", {}});
    answer.headers.emplace_back("retry-after", "1");
    return respond(answer);
  }
  auto answered = std::make_shared<std::atomic<bool>>(false);
  net::admin_responder counted = [pending = pending_, answered,
                                  respond = std::move(respond)](net::admin_response r) {
    if (answered->exchange(true))
      return;
    pending->fetch_sub(1);
    respond(std::move(r));
  };
  found.found->handler(service_, {std::move(found.params), std::string{query}, req.body},
                       std::move(counted));
}

} // namespace courier::admin
