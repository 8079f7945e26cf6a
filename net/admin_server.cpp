#include "net/admin_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <optional>
#include <thread>

namespace courier::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto head_timeout = std::chrono::seconds{5};
constexpr auto body_timeout = std::chrono::seconds{10};
constexpr auto write_timeout = std::chrono::seconds{10};
constexpr auto linger_timeout = std::chrono::seconds{2};

// One connection: read one bounded request, hand it to the handler, write its answer,
// close. Lives on the server's thread; the responder keeps it alive while the handler
// (possibly on another thread) works.
class admin_session : public std::enable_shared_from_this<admin_session> {
public:
  admin_session(tcp::socket socket, const admin_handler& handler, std::size_t max_body)
      : stream_(std::move(socket)), handler_(handler) {
    parser_.header_limit(8 * 1024);
    parser_.body_limit(max_body);
  }

  void run() {
    stream_.expires_after(head_timeout);
    http::async_read_header(
        stream_, buffer_, parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

private:
  void on_header(beast::error_code ec) {
    // The parser refuses a declared length over the cap once the head is complete,
    // before a byte of the body is read; the head itself is there to answer.
    if (ec == http::error::body_limit)
      return dispatch(true);
    if (ec)
      return on_read_failed(ec);
    if (beast::iequals(parser_.get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, 11);
      http::async_write(stream_, *continue_,
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (!ec)
                            self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    stream_.expires_after(body_timeout);
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec == http::error::body_limit)
                         return self->dispatch(true);
                       if (ec)
                         return self->on_read_failed(ec);
                       self->dispatch(false);
                     });
  }

  void on_read_failed(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout)
      return;
    write({400, "text/plain; charset=utf-8", "malformed request: " + ec.message() + "\n", {}});
  }

  void dispatch(bool too_large) {
    stream_.expires_never(); // the handler bounds its own work
    unread_body_ = too_large;
    auto& req = parser_.get();
    admin_request in{std::string{req.method_string()},
                     std::string{req.target()},
                     std::string{req[http::field::authorization]},
                     std::string{req[http::field::content_type]},
                     too_large ? std::string{} : std::move(req.body()),
                     too_large};
    auto answered = std::make_shared<std::atomic<bool>>(false);
    admin_responder respond = [self = shared_from_this(), answered](admin_response out) {
      if (answered->exchange(true))
        return;
      asio::post(self->stream_.get_executor(),
                 [self, out = std::move(out)]() mutable { self->write(std::move(out)); });
    };
    try {
      handler_(std::move(in), respond);
    } catch (const std::exception& e) {
      respond({500,
               "text/plain; charset=utf-8",
               std::string{"internal error: "} + e.what() + "\n",
               {}});
    }
  }

  void write(admin_response out) {
    response_.result(static_cast<unsigned>(out.status));
    response_.version(11);
    response_.set(http::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers)
      response_.set(name, value);
    response_.set(http::field::connection, "close");
    response_.body() = std::move(out.body);
    response_.prepare_payload();
    stream_.expires_after(write_timeout);
    http::async_write(
        stream_, response_,
        [self = shared_from_this()](beast::error_code, std::size_t) { self->close(); });
  }

  void close() {
    beast::error_code ignored;
    if (!unread_body_) {
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    // Closing with unread bytes makes the kernel reset the connection, and a client
    // still sending its oversized body would lose the answer. Stop sending, then read
    // and discard until it closes its side (bounded in time).
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(linger_timeout);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (!ec)
                                return self->drain();
                              beast::error_code ignored;
                              self->stream_.socket().close(ignored);
                            });
  }

  beast::tcp_stream stream_;
  const admin_handler& handler_;
  bool unread_body_ = false;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  std::array<char, 16 * 1024> scratch_{};
};

} // namespace

struct admin_server::impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  admin_handler handler;
  std::size_t max_body = default_max_body;
  std::thread thread;

  void accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted)
        return;
      if (!ec)
        std::make_shared<admin_session>(std::move(socket), handler, max_body)->run();
      accept();
    });
  }
};

admin_server::admin_server() : impl_(std::make_unique<impl>()) {}

admin_server::~admin_server() {
  stop();
}

void admin_server::start(const std::string& host, unsigned short port, admin_handler handler,
                         std::size_t max_body) {
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
  impl_->max_body = max_body;
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
