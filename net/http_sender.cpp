#include "net/http_sender.hpp"

#include "net/http_client_impl.hpp"

namespace courier::net {

const char* to_string(http_failure f) {
  switch (f) {
  case http_failure::none:
    return "none";
  case http_failure::bad_url:
    return "bad_url";
  case http_failure::refused_target:
    return "refused_target";
  case http_failure::resolve:
    return "resolve";
  case http_failure::connect:
    return "connect";
  case http_failure::tls:
    return "tls";
  case http_failure::timeout:
    return "timeout";
  case http_failure::protocol:
    return "protocol";
  case http_failure::fenced:
    return "fenced";
  case http_failure::shutdown:
    return "shutdown";
  case http_failure::no_slot:
    return "no_slot";
  }
  return "unknown";
}

std::unique_ptr<http_sender> make_http_client(const http_client_options& opts) {
  return std::make_unique<http_client_impl>(opts);
}

} // namespace courier::net
