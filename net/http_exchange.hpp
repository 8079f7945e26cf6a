#pragma once
// One send() of the HTTP client, from URL to http_result.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "net/connection_pool.hpp"
#include "net/dns_resolver.hpp"
#include "net/http_connection.hpp"
#include "net/http_sender.hpp"
#include "net/response_reader.hpp"
#include "net/url.hpp"

namespace courier::net {

// What exchanges borrow from the client, which owns it and outlives them all; read
// from every I/O thread (the pieces it points to are thread-safe).
struct exchange_env {
  boost::asio::io_context& ioc;
  boost::asio::ssl::context& tls;
  connection_pool& pool;
  dns_resolver& dns;
  const http_client_options& opts;
  std::shared_ptr<spdlog::logger> log;
  // Frees the admission slot of a finished exchange (with how it ended); called before
  // its `done`.
  std::function<void(std::uint64_t, http_failure)> release;
};

// Runs one request: pooled connection or resolve+guard+connect+TLS, then write and
// read, retrying once on a fresh connection when a reused one proves stale. Kept
// alive by its pending handlers; all of them run on its own strand.
class http_exchange : public std::enable_shared_from_this<http_exchange> {
public:
  using done_fn = std::function<void(http_result)>;

  http_exchange(exchange_env& env, std::uint64_t id, http_request req, done_fn done);

  std::uint64_t id() const { return id_; }

  // Thread-safe: begins the work on the strand.
  void start();

  // Thread-safe: finishes with `why` (shutdown) unless a result is already out.
  void cancel(http_failure why, std::string error);

private:
  void begin();
  bool build_message(std::string& error);
  void acquire_connection();
  void resolve();
  void on_resolved(const boost::system::error_code& ec, dns_resolver::endpoints found);
  void on_connected(const boost::system::error_code& ec);
  void on_handshake(const boost::system::error_code& ec);
  void write_request();
  void on_written(const boost::system::error_code& ec);
  void read_response();
  void on_read(boost::system::error_code ec);
  // After a reused connection failed before any response byte: try a fresh one.
  bool retry_on_fresh_connection(const boost::system::error_code& ec);
  void fail(http_failure failure, std::string error);
  void finish(http_result result, bool keep_connection);

  exchange_env& env_;
  std::uint64_t id_;
  http_request req_;
  done_fn done_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::steady_timer deadline_;
  std::chrono::steady_clock::time_point started_;
  url url_;
  boost::beast::http::request<boost::beast::http::string_body> message_;
  dns_resolver::endpoints endpoints_;
  std::shared_ptr<http_connection> conn_;
  response_reader response_;
  bool reused_ = false;  // conn_ came from the pool
  bool retried_ = false; // the one stale-connection retry is spent
  bool finished_ = false;
};

} // namespace courier::net
