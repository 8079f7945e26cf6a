#pragma once
// The Beast/Asio implementation of http_sender.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "net/connection_pool.hpp"
#include "net/dns_resolver.hpp"
#include "net/http_exchange.hpp"
#include "net/http_sender.hpp"
#include "net/slot_scheduler.hpp"

namespace courier::net {

// Owns the event loop and its threads, the TLS context, the resolver threads, the
// connection pool and admission: requests wait for an in-flight slot as slot_scheduler
// decides, at most max_queue_wait, and leave the queue early when fenced. send()/stop()
// run on any thread; exchanges, the queue check and every `done` run on the I/O threads.
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
  struct waiting_request {
    http_request req;
    std::function<void(http_result)> done;
    std::chrono::steady_clock::time_point since;
  };
  using done_call = std::pair<std::function<void(http_result)>, http_result>;

  // Creates and registers an exchange for every request the scheduler lets go now;
  // requires mutex_ held. The caller starts them after unlocking.
  std::vector<std::shared_ptr<http_exchange>> admit_locked();
  // An exchange finished: frees its slot and starts whoever may go next.
  void release(std::uint64_t id, http_failure how);
  // Fails waiting requests that are fenced or waited too long; runs while any wait.
  void check_waiting();
  void arm_check_locked();
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
  slot_scheduler slots_;
  std::unordered_map<std::uint64_t, waiting_request> waiting_;
  std::unordered_map<std::uint64_t, std::shared_ptr<http_exchange>> active_;
  boost::asio::steady_timer check_timer_;
  bool check_armed_ = false;

  std::once_flag stop_once_;
  std::vector<std::thread> threads_;
};

} // namespace courier::net
