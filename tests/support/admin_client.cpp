#include "tests/support/admin_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace courier::test {

admin_reply admin_request(unsigned short port, const std::string& method, const std::string& target,
                          const std::string& authorization, std::chrono::milliseconds timeout) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1");
  if (!authorization.empty())
    req.set(http::field::authorization, authorization);
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  admin_reply reply;
  beast::error_code failed;
  // Async with a stream deadline: a node that never answers fails the request, not the test run.
  stream.expires_after(timeout);
  stream.async_connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
      [&](beast::error_code ec) {
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
  ioc.run();
  if (failed) {
    reply.error = failed.message();
    return reply;
  }
  reply.status = static_cast<int>(res.result_int());
  reply.body = res.body();
  return reply;
}

std::optional<unsigned short> wait_admin_port(child_process& node,
                                              std::chrono::milliseconds timeout) {
  static const std::string marker = "admin endpoint on port ";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const std::string log = node.log();
    if (const auto at = log.find(marker); at != std::string::npos)
      return static_cast<unsigned short>(std::stoi(log.substr(at + marker.size())));
    if (!node.running() || std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

} // namespace courier::test
