#include "net/http_connection.hpp"

#include <cerrno>
#include <sys/socket.h>

namespace courier::net {

namespace {

std::variant<http_connection::tcp_socket, http_connection::tls_stream>
make_stream(boost::asio::any_io_executor ex, boost::asio::ssl::context* tls) {
  if (tls)
    return std::variant<http_connection::tcp_socket, http_connection::tls_stream>(
        std::in_place_type<http_connection::tls_stream>, std::move(ex), *tls);
  return std::variant<http_connection::tcp_socket, http_connection::tls_stream>(
      std::in_place_type<http_connection::tcp_socket>, std::move(ex));
}

} // namespace

http_connection::http_connection(boost::asio::any_io_executor ex, boost::asio::ssl::context* tls)
    : stream_(make_stream(std::move(ex), tls)), buffer_(max_buffered) {}

http_connection::tcp_socket& http_connection::socket() {
  if (auto* plain = std::get_if<tcp_socket>(&stream_))
    return *plain;
  return std::get<tls_stream>(stream_).next_layer();
}

void http_connection::close() {
  auto& s = socket();
  boost::system::error_code ignored;
  s.shutdown(tcp_socket::shutdown_both, ignored);
  s.close(ignored);
}

bool http_connection::looks_alive() {
  auto& s = socket();
  if (!s.is_open() || buffer_.size() != 0)
    return false;
  char probe;
  auto n = ::recv(s.native_handle(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n == 0)
    return false; // orderly close by the peer
  if (n < 0)
    return errno == EAGAIN || errno == EWOULDBLOCK;
  // Pending bytes on an idle TLS connection are usually a late session ticket or a
  // close_notify; let the request try and rely on the stale-connection retry.
  return is_tls();
}

} // namespace courier::net
