#include "hostile_server.hpp"

#include <array>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <type_traits>

namespace courier::net::testing {

namespace asio = boost::asio;
using asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

// One accepted connection: a read loop that drains the client and, once the first
// bytes arrived, the script's writes. Lives in its own pending handlers on the server
// thread; ends (once) when either side fails or the script closes.
template <class Stream>
class hostile_session : public std::enable_shared_from_this<hostile_session<Stream>> {
public:
  template <class... Args>
  hostile_session(std::shared_ptr<hostile_server::state> st, Args&&... args)
      : stream_(std::forward<Args>(args)...), state_(std::move(st)), timer_(stream_.get_executor()),
        repeats_left_(state_->script.repeats) {}

  void start() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      drain();
    } else {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const error_code& ec) {
                                if (ec)
                                  return self->end();
                                self->drain();
                              });
    }
  }

private:
  tcp::socket& socket() { return boost::beast::get_lowest_layer(stream_); }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                              self->state_->bytes_received += n;
                              if (ec)
                                return self->end();
                              if (!self->scripted_) {
                                self->scripted_ = true;
                                self->begin_script();
                              }
                              self->drain();
                            });
  }

  void begin_script() {
    timer_.expires_after(state_->script.delay);
    timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (ec || self->ended_)
        return;
      self->write(self->state_->script.head);
    });
  }

  void write(const std::string& bytes) {
    if (bytes.empty())
      return next_unit();
    asio::async_write(stream_, asio::buffer(bytes),
                      [self = this->shared_from_this()](const error_code& ec, std::size_t n) {
                        self->state_->bytes_written += n;
                        if (ec)
                          return self->end();
                        self->next_unit();
                      });
  }

  void next_unit() {
    if (ended_)
      return;
    if (repeats_left_ == 0)
      return finish_script();
    if (repeats_left_ > 0)
      --repeats_left_;
    const auto& script = state_->script;
    if (script.every.count() == 0)
      return write(script.unit);
    timer_.expires_after(script.every);
    timer_.async_wait([self = this->shared_from_this()](const error_code& ec) {
      if (ec || self->ended_)
        return;
      self->write(self->state_->script.unit);
    });
  }

  void finish_script() {
    error_code ignored;
    switch (state_->script.end) {
    case hostile_script::ending::hold:
      return; // the drain loop keeps the connection until the client closes it
    case hostile_script::ending::reset:
      socket().set_option(asio::socket_base::linger(true, 0), ignored);
      return end();
    case hostile_script::ending::close:
      socket().shutdown(tcp::socket::shutdown_send, ignored);
      return; // the drain loop sees the client's close
    }
  }

  void end() {
    if (ended_)
      return;
    ended_ = true;
    state_->ended++;
    timer_.cancel();
    error_code ignored;
    socket().close(ignored);
  }

  Stream stream_;
  std::shared_ptr<hostile_server::state> state_;
  asio::steady_timer timer_;
  std::array<char, 16384> scratch_{};
  int repeats_left_;
  bool scripted_ = false;
  bool ended_ = false;
};

std::shared_ptr<hostile_server::state> make_state(hostile_script script, asio::ssl::context* tls) {
  auto st = std::make_shared<hostile_server::state>();
  st->script = std::move(script);
  st->tls = tls;
  return st;
}

} // namespace

hostile_server::hostile_server(hostile_script script, asio::ssl::context* tls)
    : state_(make_state(std::move(script), tls)), listener_([st = state_](tcp::socket socket) {
        st->connections++;
        start_session<hostile_session>(std::move(socket), st->tls, st);
      }) {}

} // namespace courier::net::testing
