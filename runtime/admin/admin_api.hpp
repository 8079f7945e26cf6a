#pragma once
// The /v1 admin API of a node (the routes in routes.cpp): dispatches requests that passed
// the token check, bounds how many are being worked on (503 beyond), and runs the
// secret retirer. Requests arrive on the admin server's thread; answers leave from the
// admin pool's threads or the HTTP client's. Owned by runtime/node/admin_endpoint.
#include "runtime/admin/secret_retirer.hpp"
#include "runtime/admin/service.hpp"

#include <atomic>
#include <memory>
#include <string_view>

namespace courier::admin {

class admin_api {
public:
  static constexpr int max_pending = 32;

  explicit admin_api(service_options options);
  ~admin_api();

  // `path` starts with /v1 or is / (the status page); `query` is what followed '?'.
  void handle(const net::admin_request& req, std::string_view path, std::string_view query,
              net::admin_responder respond);
  // Stops the retirer and the pool; requests still queued are answered first.
  void stop();

private:
  api_service service_;
  std::shared_ptr<std::atomic<int>> pending_ = std::make_shared<std::atomic<int>>(0);
  secret_retirer retirer_;
};

} // namespace courier::admin
