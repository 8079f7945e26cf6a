#include "runtime/ctl/http_exchange.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <stdexcept>

namespace courier::ctl {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

http_answer http_exchange(const std::string& host, const std::string& port,
                          const std::string& method, const std::string& target,
                          const http_headers& headers, const std::string& body,
                          std::chrono::milliseconds timeout) {
  asio::io_context io;
  beast::tcp_stream stream{io};
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, host + ":" + port);
  for (const auto& [name, value] : headers)
    req.set(name, value);
  if (!body.empty())
    req.body() = body;
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  beast::error_code failed;
  asio::ip::tcp::resolver resolver{io};
  auto endpoints = resolver.resolve(host, port, failed);
  if (failed)
    throw std::runtime_error("cannot resolve " + host + ": " + failed.message());
  stream.expires_after(timeout);
  stream.async_connect(endpoints, [&](beast::error_code ec, const asio::ip::tcp::endpoint&) {
    if (ec) {
      failed = ec;
      return;
    }
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failed = ec;
        return;
      }
      http::async_read(stream, buffer, res,
                       [&](beast::error_code ec, std::size_t) { failed = ec; });
    });
  });
  io.run();
  if (failed)
    throw std::runtime_error(failed.message());
  return {static_cast<int>(res.result_int()), res.body(),
          std::string{res[http::field::content_type]}, std::string{res[http::field::location]}};
}

} // namespace courier::ctl
