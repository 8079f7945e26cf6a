#include "net/admin_request_reader.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>

namespace courier::net {

namespace beast = boost::beast;
namespace http = beast::http;

admin_request_reader::admin_request_reader() {
  parser_.header_limit(8 * 1024);
  parser_.body_limit(64 * 1024);
}

std::variant<std::monostate, admin_request, admin_response>
admin_request_reader::finish(beast::error_code ec) {
  if (ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout)
      return std::monostate{};
    return admin_response{400, "text/plain; charset=utf-8",
                          "malformed request: " + ec.message() + "\n"};
  }
  const auto& req = parser_.get();
  return admin_request{std::string{req.method_string()}, std::string{req.target()},
                       std::string{req[http::field::authorization]}, req.body()};
}

} // namespace courier::net
