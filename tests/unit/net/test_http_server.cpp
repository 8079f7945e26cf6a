#include "test_http_server.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <type_traits>

namespace courier::net::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// One accepted connection; lives in its own pending handlers on the server thread.
template <class Stream> class session : public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... Args>
  session(std::shared_ptr<test_server::state> st, std::size_t number, Args&&... args)
      : stream_(std::forward<Args>(args)...), state_(std::move(st)), number_(number),
        timer_(stream_.get_executor()) {}

  void start() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      read();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const error_code& ec) {
                                if (!ec)
                                  self->read();
                              });
    }
  }

private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_); }

  void read() {
    parser_.emplace();
    parser_->body_limit(16 * 1024 * 1024);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                       if (!ec)
                         self->handle();
                     });
  }

  void handle() {
    auto& st = *state_;
    auto request = parser_->release();
    {
      std::lock_guard<std::mutex> guard(st.mutex);
      st.last = request;
    }
    st.requests++;
    auto now = ++st.concurrent;
    auto seen = st.max_concurrent.load();
    while (now > seen && !st.max_concurrent.compare_exchange_weak(seen, now)) {
    }
    reply_ = st.on_request(request, request_context{number_, ++served_});
    keep_alive_ = request.keep_alive() && !reply_.close;
    switch (reply_.action) {
    case server_reply::kind::never_answer: {
      std::lock_guard<std::mutex> guard(st.mutex);
      st.parked.push_back(this->shared_from_this());
      return;
    }
    case server_reply::kind::reset: {
      st.concurrent--;
      error_code ignored;
      socket().set_option(asio::socket_base::linger(true, 0), ignored);
      socket().close(ignored);
      return;
    }
    case server_reply::kind::raw_then_close:
      st.concurrent--;
      asio::async_write(
          stream_, asio::buffer(reply_.raw),
          [self = this->shared_from_this()](const error_code&, std::size_t) { self->close(); });
      return;
    case server_reply::kind::respond:
      break;
    }
    if (reply_.delay.count() == 0)
      return respond();
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = this->shared_from_this()](const error_code&) { self->respond(); });
  }

  void respond() {
    // Counted out before writing, so the client cannot see the answer first.
    state_->concurrent--;
    response_.emplace(static_cast<http::status>(reply_.status), 11);
    response_->set(http::field::server, "courier-test");
    for (const auto& [name, value] : reply_.headers)
      response_->set(name, value);
    response_->body() = reply_.body;
    response_->keep_alive(keep_alive_);
    if (reply_.chunked)
      response_->chunked(true);
    else
      response_->prepare_payload();
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](const error_code& ec, std::size_t) {
                        if (ec || !self->keep_alive_)
                          return self->close();
                        self->read();
                      });
  }

  void close() {
    error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  Stream stream_;
  std::shared_ptr<test_server::state> state_;
  std::size_t number_;
  std::size_t served_ = 0;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  server_reply reply_;
  bool keep_alive_ = true;
};

std::shared_ptr<test_server::state> make_state(test_server::handler h, asio::ssl::context* tls) {
  auto st = std::make_shared<test_server::state>();
  st->on_request = std::move(h);
  st->tls = tls;
  return st;
}

} // namespace

test_server::test_server(handler h, asio::ssl::context* tls)
    : state_(make_state(std::move(h), tls)), listener_([st = state_](tcp::socket socket) {
        auto number = ++st->connections;
        start_session<session>(std::move(socket), st->tls, st, number);
      }) {}

test_server::~test_server() {
  listener_.stop();
  std::lock_guard<std::mutex> guard(state_->mutex);
  state_->parked.clear();
}

std::string test_server::url(const std::string& host, const std::string& path) const {
  return std::string(state_->tls ? "https://" : "http://") + host + ":" + std::to_string(port()) +
         path;
}

server_request test_server::last_request() const {
  std::lock_guard<std::mutex> guard(state_->mutex);
  return state_->last;
}

} // namespace courier::net::testing
