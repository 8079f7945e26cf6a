#include "loopback_listener.hpp"

namespace courier::net::testing {

namespace asio = boost::asio;
using asio::ip::tcp;

loopback_listener::loopback_listener(accept_fn on_accept)
    : on_accept_(std::move(on_accept)), acceptor_(ioc_) {
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.bind(ep);
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  accept();
  thread_ = std::thread([this] { ioc_.run(); });
}

loopback_listener::~loopback_listener() {
  stop();
}

void loopback_listener::stop() {
  ioc_.stop();
  if (thread_.joinable())
    thread_.join();
}

void loopback_listener::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec)
      return;
    on_accept_(std::move(socket));
    accept();
  });
}

} // namespace courier::net::testing
