#include "tests/support/subscriber.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <gtest/gtest.h>
#include <memory>
#include <thread>

namespace courier::test {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// One client connection that posts once and keeps the socket open afterwards.
struct one_shot : std::enable_shared_from_this<one_shot> {
  one_shot(asio::io_context& ioc, int seq) : stream(ioc), seq(seq) {}

  void run(const asio::ip::tcp::endpoint& endpoint) {
    req = {http::verb::post, "/h/load", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set("courier-seq", std::to_string(seq));
    req.body() = "{}";
    req.prepare_payload();
    stream.expires_after(30s);
    stream.async_connect(endpoint, [self = shared_from_this()](beast::error_code ec) {
      if (ec) {
        self->error = ec;
        return;
      }
      http::async_write(self->stream, self->req, [self](beast::error_code ec, std::size_t) {
        if (ec) {
          self->error = ec;
          return;
        }
        http::async_read(self->stream, self->buffer, self->res,
                         [self](beast::error_code ec, std::size_t) {
                           self->error = ec;
                           self->status = self->res.result_int();
                         });
      });
    });
  }

  beast::tcp_stream stream;
  int seq;
  http::request<http::string_body> req;
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  beast::error_code error;
  unsigned status = 0;
};

TEST(subscriber_load, holds_2000_concurrent_connections) {
  constexpr int connections = 2000;
  subscriber sub;
  behaviour slow;
  slow.delay_ms = 500; // every request is in flight at the same time
  sub.set_default_behaviour(slow);

  asio::io_context ioc;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                         static_cast<unsigned short>(sub.port()));
  std::vector<std::shared_ptr<one_shot>> clients;
  for (int i = 1; i <= connections; ++i) {
    clients.push_back(std::make_shared<one_shot>(ioc, i));
    clients.back()->run(endpoint);
  }
  auto start = std::chrono::steady_clock::now();
  ioc.run();
  auto elapsed = std::chrono::steady_clock::now() - start;

  int ok = 0;
  for (const auto& c : clients) {
    ok += c->status == 200 ? 1 : 0;
  }
  EXPECT_EQ(ok, connections) << "first error: " << clients.front()->error.message();
  EXPECT_LT(elapsed, 8s);
  EXPECT_EQ(sub.accepted_connections(), static_cast<std::size_t>(connections));
  EXPECT_EQ(sub.open_connections(), static_cast<std::size_t>(connections));
  EXPECT_EQ(sub.distinct_seqs("load"), static_cast<std::size_t>(connections));
  clients.clear(); // closes the client sockets
  EXPECT_TRUE(sub.wait_for([&] { return sub.open_connections() == 0; }, 5s));
}

} // namespace
} // namespace courier::test
