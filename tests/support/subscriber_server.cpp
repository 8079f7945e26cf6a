#include "tests/support/subscriber_server.hpp"

#include "tests/support/test_ca.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <future>
#include <type_traits>

#include <sys/resource.h>
#include <sys/socket.h>

namespace courier::test::detail {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t body_limit = 64 * 1024 * 1024;

template <class T> T parse_number(beast::string_view text, T missing) {
  T value{};
  const char* end = text.data() + text.size();
  auto r = std::from_chars(text.data(), end, value);
  return !text.empty() && r.ec == std::errc() && r.ptr == end ? value : missing;
}

bool is_2xx(int status) {
  return status >= 200 && status <= 299;
}

// One accepted connection. Every handler runs on the connection's strand; the chain
// of pending operations keeps it alive, so it dies when the connection is closed.
template <class Stream>
class session final : public session_base, public std::enable_shared_from_this<session<Stream>> {
public:
  template <class... Args>
  session(std::shared_ptr<subscriber_state> state, Args&&... args)
      : state_(std::move(state)), stream_(std::forward<Args>(args)...),
        timer_(stream_.get_executor()) {
    ++state_->open_connections;
  }
  ~session() override { --state_->open_connections; }

  void start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (std::is_same_v<Stream, tls_stream>) {
        beast::get_lowest_layer(self->stream_).expires_after(std::chrono::seconds(10));
        self->stream_.async_handshake(asio::ssl::stream_base::server, [self](beast::error_code ec) {
          if (ec) {
            return self->close();
          }
          beast::get_lowest_layer(self->stream_).expires_never();
          self->read();
        });
      } else {
        self->read();
      }
    });
  }

  void close_async() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] { self->close(); });
  }

private:
  void read() {
    parser_.emplace();
    parser_->body_limit(body_limit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->on_read(ec);
                     });
  }

  void on_read(beast::error_code ec) {
    if (ec) {
      return close();
    }
    http::request<http::string_body> req = parser_->release();
    delivery d;
    beast::string_view target = req.target();
    d.path = std::string(target.substr(0, target.find('?')));
    d.seq = parse_number<std::int64_t>(req["courier-seq"], -1);
    d.attempt = parse_number<int>(req["courier-attempt"], -1);
    d.webhook_id = std::string(req["webhook-id"]);
    d.timestamp = std::string(req["webhook-timestamp"]);
    d.signature = std::string(req["webhook-signature"]);
    d.content_type = std::string(req[http::field::content_type]);
    d.user_agent = std::string(req[http::field::user_agent]);
    d.traceparent = std::string(req["traceparent"]);
    for (const auto& field : req) {
      std::string name{field.name_string()};
      for (auto& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name.rfind("x-", 0) == 0 || name == "authorization")
        d.extra_headers[name] = std::string(field.value());
    }
    if (state_->keep_bodies) {
      d.body = std::move(req.body());
    }
    d.at = std::chrono::steady_clock::now();
    if (!peer_known_) { // the connection's peer never changes: one getpeername per connection
      beast::error_code peer_ec;
      auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(peer_ec);
      peer_port_ = peer.port();
      peer_address_ = peer.address().to_string();
      peer_known_ = !peer_ec;
    }
    d.peer_port = peer_port_;
    d.peer_address = peer_address_;
    answer_ = state_->plan(d.path);
    switch (answer_.what) {
    case planned_answer::kind::respond:
      d.status_sent = answer_.status;
      break;
    case planned_answer::kind::reset:
      d.status_sent = delivery::status_reset;
      break;
    default:
      d.status_sent = delivery::status_hang;
    }
    path_ = d.path;
    seq_ = d.seq;
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    record_index_ = state_->record(std::move(d));

    switch (answer_.what) {
    case planned_answer::kind::respond:
      if (answer_.delay_ms > 0) {
        return after(answer_.delay_ms, [](session& s) { s.respond(); });
      }
      return respond();
    case planned_answer::kind::hang:
      return hold();
    case planned_answer::kind::hang_then_close:
      return after(answer_.hang_ms, [](session& s) { s.close(); });
    case planned_answer::kind::reset:
      return reset();
    }
  }

  template <class F> void after(int ms, F f) {
    timer_.expires_after(std::chrono::milliseconds(ms));
    timer_.async_wait([self = this->shared_from_this(), f](beast::error_code ec) {
      if (!ec && !self->closed_) {
        f(*self);
      }
    });
  }

  // True when the client has closed (or reset) its side, e.g. it timed out during
  // delay_ms. Under TLS pending bytes may be a close_notify; those count as alive.
  bool peer_gone() {
    char byte;
    ssize_t n = ::recv(beast::get_lowest_layer(stream_).socket().native_handle(), &byte, 1,
                       MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
  }

  void respond() {
    if (is_2xx(answer_.status)) {
      // Only a delayed answer can find the client gone (it timed out meanwhile).
      if (answer_.delay_ms > 0 && peer_gone()) {
        state_->peer_gone(path_, record_index_);
        return close();
      }
      // Counted before the client can see the answer, so its next request (on any
      // connection) is always judged after this one.
      state_->succeeded(path_, seq_);
    }
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(answer_.status));
    res_.set(http::field::server, "courier-test-subscriber");
    res_.set(http::field::content_type, "text/plain");
    if (!is_2xx(answer_.status) && !answer_.retry_after.empty()) {
      res_.set(http::field::retry_after, answer_.retry_after);
    }
    res_.body() = is_2xx(answer_.status) ? "ok\n" : answer_.failure_body;
    res_.keep_alive(keep_alive_);
    res_.prepare_payload();
    http::async_write(stream_, res_,
                      [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                        self->on_write(ec);
                      });
  }

  void on_write(beast::error_code ec) {
    if (ec) {
      return close();
    }
    if (!keep_alive_) {
      return close();
    }
    read();
  }

  // Never answer: read and drop whatever arrives until the peer closes.
  void hold() {
    beast::get_lowest_layer(stream_).async_read_some(
        asio::buffer(scratch_),
        [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
          if (ec) {
            return self->close();
          }
          self->hold();
        });
  }

  void reset() {
    beast::error_code ec;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    close();
  }

  void close() {
    if (closed_) {
      return;
    }
    closed_ = true;
    timer_.cancel();
    beast::error_code ec;
    beast::get_lowest_layer(stream_).socket().close(ec);
  }

  std::shared_ptr<subscriber_state> state_;
  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  std::array<char, 512> scratch_{};
  planned_answer answer_;
  std::string path_;
  std::int64_t seq_ = -1;
  std::size_t record_index_ = 0;
  std::string peer_address_;
  unsigned short peer_port_ = 0;
  bool peer_known_ = false;
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool closed_ = false;
};

// Thousands of connections need more than the usual 1024 descriptors.
void raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return;
  }
  rlim_t want = limit.rlim_max == RLIM_INFINITY ? 65536 : std::min<rlim_t>(limit.rlim_max, 65536);
  if (limit.rlim_cur < want) {
    limit.rlim_cur = want;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

} // namespace

subscriber_server::subscriber_server(std::shared_ptr<subscriber_state> state,
                                     const subscriber_options& options)
    : state_(std::move(state)), accept_strand_(asio::make_strand(ioc_)) {
  raise_fd_limit();
  if (options.tls != nullptr) {
    tls_.emplace(asio::ssl::context::tls_server);
    tls_->use_certificate_chain_file(options.tls->cert_pem_path());
    tls_->use_private_key_file(options.tls->key_pem_path(), asio::ssl::context::pem);
  }
  auto listen = [this](const tcp::endpoint& endpoint) {
    auto acceptor = std::make_unique<tcp::acceptor>(accept_strand_);
    acceptor->open(endpoint.protocol());
    if (endpoint.address().is_v6()) {
      acceptor->set_option(asio::ip::v6_only(true));
    }
    acceptor->set_option(asio::socket_base::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
    acceptors_.push_back(std::move(acceptor));
  };
  listen(tcp::endpoint(asio::ip::make_address(options.listen_address), 0));
  port_ = acceptors_.front()->local_endpoint().port();
  if (tls_) {
    try {
      listen(tcp::endpoint(asio::ip::make_address("::1"), static_cast<unsigned short>(port_)));
    } catch (const std::exception&) {
      // No IPv6 loopback here: "localhost" then resolves to 127.0.0.1 only.
    }
  }
  work_.emplace(asio::make_work_guard(ioc_));
  for (std::size_t i = 0; i < acceptors_.size(); ++i) {
    accept(i);
  }
  for (int i = 0; i < std::max(1, options.threads); ++i) {
    threads_.emplace_back([this] { ioc_.run(); });
  }
}

subscriber_server::~subscriber_server() {
  stop();
}

void subscriber_server::accept(std::size_t index) {
  acceptors_[index]->async_accept(
      asio::make_strand(ioc_), [this, index](beast::error_code ec, tcp::socket socket) {
        if (!acceptors_[index]->is_open()) {
          return;
        }
        if (ec) {
          // Out of descriptors or similar: back off instead of spinning.
          auto timer =
              std::make_shared<asio::steady_timer>(accept_strand_, std::chrono::milliseconds(50));
          timer->async_wait([this, index, timer](beast::error_code) {
            if (acceptors_[index]->is_open()) {
              accept(index);
            }
          });
          return;
        }
        ++state_->accepted_connections;
        start_session(std::move(socket));
        accept(index);
      });
}

void subscriber_server::start_session(tcp::socket socket) {
  std::shared_ptr<session_base> s;
  if (tls_) {
    auto p = std::make_shared<session<tls_stream>>(state_, std::move(socket), *tls_);
    p->start();
    s = std::move(p);
  } else {
    auto p = std::make_shared<session<beast::tcp_stream>>(state_, std::move(socket));
    p->start();
    s = std::move(p);
  }
  std::lock_guard<std::mutex> lock(sessions_mutex_);
  if (sessions_.size() >= prune_at_) {
    sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                   [](const auto& w) { return w.expired(); }),
                    sessions_.end());
    prune_at_ = std::max<std::size_t>(1024, sessions_.size() * 2);
  }
  sessions_.push_back(std::move(s));
}

void subscriber_server::stop() {
  std::lock_guard<std::mutex> stop_lock(stop_mutex_);
  if (stopped_) {
    return;
  }
  stopped_ = true;
  // Close the listeners first (on their strand, waited for) so no session starts
  // after the sweep below.
  std::promise<void> closed;
  asio::post(accept_strand_, [this, &closed] {
    for (auto& a : acceptors_) {
      beast::error_code ec;
      a->close(ec);
    }
    closed.set_value();
  });
  closed.get_future().wait();
  {
    std::lock_guard<std::mutex> lock(sessions_mutex_);
    for (auto& w : sessions_) {
      if (auto s = w.lock()) {
        s->close_async();
      }
    }
    sessions_.clear();
  }
  work_.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!ioc_.stopped() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ioc_.stop();
  for (auto& t : threads_) {
    t.join();
  }
  threads_.clear();
  state_->notify();
}

} // namespace courier::test::detail
