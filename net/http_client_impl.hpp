#pragma once
// The Beast/Asio implementation of http_sender.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>

#include "net/connection_pool.hpp"
#include "net/dns_resolver.hpp"
#include "net/http_exchange.hpp"
#include "net/http_sender.hpp"

namespace courier::net {

// Owns the event loop and its threads, the TLS context, the resolver threads, the
// connection pool and admission (max_in_flight + FIFO queue). send()/stop() run on
// any thread; exchanges and every `done` run on the I/O threads.
class http_client_impl final : public http_sender {
public:
  // Throws std::runtime_error when the TLS context cannot be set up (bad ca_file).
  explicit http_client_impl(const http_client_options& opts);
  ~http_client_impl() override;

  http_client_impl(const http_client_impl&) = delete;
  http_client_impl& operator=(const http_client_impl&) = delete;

  void send(http_request req, std::function<void(http_result)> done) override;

  // Must not be called from an I/O thread (i.e. from a `done` callback): it joins them.
  void stop() override;

private:
  struct queued_request {
    http_request req;
    std::function<void(http_result)> done;
  };

  // Creates and registers an exchange; requires mutex_ held.
  std::shared_ptr<http_exchange> admit_locked(queued_request&& item);
  // An exchange finished: frees its slot and starts the oldest queued request.
  void release(std::uint64_t id);
  void run_io_thread();
  void do_stop();

  http_client_options opts_;
  std::shared_ptr<spdlog::logger> log_;
  std::shared_ptr<boost::asio::ssl::context> tls_;
  // Declared before everything holding sockets or handlers so it is destroyed last.
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  dns_resolver dns_;
  connection_pool pool_;
  exchange_env env_;

  std::mutex mutex_;
  bool stopping_ = false;
  std::uint64_t next_id_ = 0;
  std::deque<queued_request> queued_;
  std::unordered_map<std::uint64_t, std::shared_ptr<http_exchange>> active_;

  std::once_flag stop_once_;
  std::vector<std::thread> threads_;
};

} // namespace courier::net
