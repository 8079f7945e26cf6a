#pragma once
// One outbound TCP or TLS connection and the bytes read ahead on it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstddef>
#include <variant>

namespace courier::net {

// Owns a socket (plain or wrapped in TLS) and its read buffer. Used by one exchange
// at a time, only from that exchange's strand; parked in connection_pool in between,
// when no operation is pending on it.
class http_connection {
public:
  using tcp_socket = boost::asio::ip::tcp::socket;
  using tls_stream = boost::asio::ssl::stream<tcp_socket>;

  // `tls` null means plain HTTP.
  http_connection(boost::asio::any_io_executor ex, boost::asio::ssl::context* tls);

  // Bytes read ahead but not yet parsed. The parser caps headers (8 KB) and body bytes
  // leave the buffer as they arrive, but a chunk-size line or a trailer that never ends
  // is neither: unbounded, it would grow for the whole attempt (GBs on loopback).
  static constexpr std::size_t max_buffered = 64 * 1024;

  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  bool is_tls() const { return std::holds_alternative<tls_stream>(stream_); }
  tcp_socket& socket();
  tls_stream& tls() { return std::get<tls_stream>(stream_); }
  boost::beast::flat_buffer& buffer() { return buffer_; }

  // Calls f(stream) with the stream HTTP bytes travel on, so Beast's generic
  // read/write code is instantiated for both kinds.
  template <class F> void with_stream(F&& f) {
    std::visit([&](auto& s) { f(s); }, stream_);
  }

  // Closes without a TLS close_notify: the peer learns from the FIN, and waiting
  // for a shutdown exchange would only hold a slot. Errors are irrelevant here.
  void close();

  // For a parked connection: false when the peer has closed it or sent bytes nobody
  // asked for (plain HTTP), so the pool drops it instead of failing a request.
  bool looks_alive();

  std::chrono::steady_clock::time_point idle_since() const { return idle_since_; }
  void mark_idle() { idle_since_ = std::chrono::steady_clock::now(); }

private:
  std::variant<tcp_socket, tls_stream> stream_;
  boost::beast::flat_buffer buffer_;
  std::chrono::steady_clock::time_point idle_since_;
};

} // namespace courier::net
