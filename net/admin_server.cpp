#include "net/admin_server.hpp"
#include "net/admin_request_reader.hpp"

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
      : stream_(std::move(socket)), handler_(handler) {}

  void run() {
    stream_.expires_after(std::chrono::seconds{5});
    http::async_read(
        stream_, buffer_, reader_.parser(),
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

private:
  void on_read(beast::error_code ec) {
    auto got = reader_.finish(ec);
    if (std::holds_alternative<std::monostate>(got))
      return;
    admin_response out;
    if (auto* in = std::get_if<admin_request>(&got)) {
      try {
        out = handler_(*in);
      } catch (const std::exception& e) {
        out = {500, "text/plain; charset=utf-8", std::string{"internal error: "} + e.what() + "\n"};
      }
    } else {
      out = std::get<admin_response>(std::move(got));
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
  admin_request_reader reader_;
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

void admin_server::start(const std::string& listen, admin_handler handler) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("expected host:port, got '" + listen + "'");
  auto host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = static_cast<unsigned short>(std::stoi(listen.substr(colon + 1)));
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec)
    throw std::runtime_error("invalid address '" + host + "'");
  tcp::endpoint endpoint{address, port};
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
