#pragma once
// Internal to subscriber: the Beast listener. Owns the io_context, its threads, the
// acceptors and weak references to live sessions (each session runs on its own strand).
#include "tests/support/subscriber_state.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace courier::test::detail {

// A connection that stop() can close from outside its strand.
struct session_base {
  virtual ~session_base() = default;
  virtual void close_async() = 0;
};

struct subscriber_server {
  // Listens on <listen_address>:0 (and [::1] on the same port for TLS, so "localhost" works).
  subscriber_server(std::shared_ptr<subscriber_state> state, const subscriber_options& options);
  ~subscriber_server();

  void stop(); // from a non-io thread; idempotent
  int port() const { return port_; }

private:
  void accept(std::size_t index);
  void start_session(boost::asio::ip::tcp::socket socket);

  std::shared_ptr<subscriber_state> state_;
  std::optional<boost::asio::ssl::context> tls_;
  boost::asio::io_context ioc_;
  boost::asio::strand<boost::asio::io_context::executor_type> accept_strand_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  std::mutex sessions_mutex_;
  std::vector<std::weak_ptr<session_base>> sessions_;
  std::size_t prune_at_ = 1024;
  std::mutex stop_mutex_;
  bool stopped_ = false;
  int port_ = 0;
};

} // namespace courier::test::detail
