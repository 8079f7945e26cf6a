#pragma once
// A blocking Beast HTTP(S) client for the fixtures' self-tests: one keep-alive
// connection, used by one thread.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace courier::test {

struct client_reply {
  int status = 0;              // 0 when no response arrived
  boost::beast::error_code ec; // why, when status is 0
  std::string body;
  std::string retry_after;
};

class test_client {
public:
  explicit test_client(int port) : stream_(ioc_) {
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"),
                                                   static_cast<unsigned short>(port)));
  }

  client_reply post(const std::string& target, const std::map<std::string, std::string>& headers,
                    const std::string& body,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    namespace http = boost::beast::http;
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) {
      req.set(name, value);
    }
    req.body() = body;
    req.prepare_payload();
    client_reply reply;
    stream_.expires_after(timeout);
    http::write(stream_, req, reply.ec);
    if (reply.ec) {
      return reply;
    }
    http::response<http::string_body> res;
    boost::beast::flat_buffer buffer;
    // A tcp_stream timeout only applies to async operations.
    http::async_read(stream_, buffer, res,
                     [&](boost::beast::error_code ec, std::size_t) { reply.ec = ec; });
    ioc_.restart();
    ioc_.run();
    if (!reply.ec) {
      reply.status = static_cast<int>(res.result_int());
      reply.body = res.body();
      reply.retry_after = std::string(res[http::field::retry_after]);
    }
    return reply;
  }

private:
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
};

} // namespace courier::test
