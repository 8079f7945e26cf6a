#include "net/admin_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <thread>

namespace courier::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// One connection: read one bounded request, answer it, close.
class admin_session : public std::enable_shared_from_this<admin_session> {
public:
  admin_session(tcp::socket socket, const admin_handler& handler)
      : stream_(std::move(socket)), handler_(handler) {
    parser_.header_limit(8 * 1024);
    parser_.body_limit(64 * 1024);
  }

  void run() {
    stream_.expires_after(std::chrono::seconds{5});
    http::async_read(
        stream_, buffer_, parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

private:
  void on_read(beast::error_code ec) {
    admin_response out;
    if (ec) {
      if (ec == http::error::end_of_stream || ec == beast::error::timeout)
        return;
      out = {400, "text/plain; charset=utf-8", "malformed request: " + ec.message() + "\n"};
    } else {
      const auto& req = parser_.get();
      admin_request in{std::string{req.method_string()}, std::string{req.target()},
                       std::string{req[http::field::authorization]}, req.body()};
      try {
        out = handler_(in);
      } catch (const std::exception& e) {
        out = {500, "text/plain; charset=utf-8", std::string{"internal error: "} + e.what() + "\n"};
      }
    }
    response_.result(static_cast<unsigned>(out.status));
    response_.version(11);
    response_.set(http::field::content_type, out.content_type);
    response_.set(http::field::connection, "close");
    response_.body() = std::move(out.body);
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code, std::size_t) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                      });
  }

  beast::tcp_stream stream_;
  const admin_handler& handler_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
};

} // namespace

struct admin_server::impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  admin_handler handler;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted)
        return;
      if (!ec)
        std::make_shared<admin_session>(std::move(socket), handler)->run();
      accept();
    });
  }
};

admin_server::admin_server() : impl_(std::make_unique<impl>()) {}

admin_server::~admin_server() {
  stop();
}

void admin_server::start(const std::string& host, unsigned short port, admin_handler handler) {
  beast::error_code ec;
  tcp::resolver resolver{impl_->io};
  auto resolved = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
  if (ec || resolved.empty())
    throw std::runtime_error("cannot resolve '" + host + "': " + ec.message());
  // A name with both families ("localhost") binds its IPv4 address, as clients and probes
  // written against 127.0.0.1 expect.
  tcp::endpoint endpoint = resolved.begin()->endpoint();
  for (const auto& entry : resolved)
    if (entry.endpoint().address().is_v4()) {
      endpoint = entry.endpoint();
      break;
    }
  impl_->handler = std::move(handler);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint, ec);
  if (ec)
    throw std::runtime_error(ec.message());
  impl_->acceptor.listen();
  impl_->accept();
  impl_->thread = std::thread{[this] {
    impl_->io.run();
  }};
}

void admin_server::stop() {
  if (!impl_->thread.joinable())
    return;
  asio::post(impl_->io, [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short admin_server::port() const {
  return impl_->acceptor.local_endpoint().port();
}

} // namespace courier::net
