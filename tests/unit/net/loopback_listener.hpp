#pragma once
// The accepting half of the loopback test servers: a listener on 127.0.0.1:<ephemeral>,
// its io_context and the one thread that runs it and every session it starts.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <utility>

namespace courier::net::testing {

// Owns the io_context, the acceptor and the thread; `on_accept` runs on that thread
// for every connection. stop() (or the destructor) ends the loop and joins the thread;
// sessions still pending are destroyed with the io_context.
class loopback_listener {
public:
  using accept_fn = std::function<void(boost::asio::ip::tcp::socket)>;

  explicit loopback_listener(accept_fn on_accept);
  ~loopback_listener();
  loopback_listener(const loopback_listener&) = delete;
  loopback_listener& operator=(const loopback_listener&) = delete;

  unsigned short port() const { return port_; }
  void stop();

private:
  void accept();

  accept_fn on_accept_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  std::thread thread_;
};

// Starts Session<tcp::socket>, or Session<ssl::stream<tcp::socket>> when `tls` is set,
// constructed from `args...` followed by the stream's own arguments.
template <template <class> class Session, class... Args>
void start_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls,
                   Args&&... args) {
  using tcp = boost::asio::ip::tcp;
  if (tls)
    std::make_shared<Session<boost::asio::ssl::stream<tcp::socket>>>(std::forward<Args>(args)...,
                                                                     std::move(socket), *tls)
        ->start();
  else
    std::make_shared<Session<tcp::socket>>(std::forward<Args>(args)..., std::move(socket))->start();
}

} // namespace courier::net::testing
