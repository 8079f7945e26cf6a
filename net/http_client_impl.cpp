#include "net/http_client_impl.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <stdexcept>

#include "net/log.hpp"
#include "net/tls_context.hpp"

namespace courier::net {

namespace {

// getaddrinfo() blocks for as long as DNS takes; a few threads keep one slow
// domain from delaying every other lookup.
constexpr std::size_t dns_threads = 4;

http_result shutdown_result() {
  http_result result;
  result.failure = http_failure::shutdown;
  result.error = "HTTP client is stopping";
  return result;
}

} // namespace

http_client_impl::http_client_impl(const http_client_options& opts)
    : opts_(opts), log_(logger("http")), tls_(make_tls_context(opts.ca_file)),
      ioc_(std::max(1, opts.io_threads)), work_(boost::asio::make_work_guard(ioc_)),
      dns_(dns_threads), pool_(opts.max_idle_per_origin),
      env_{ioc_, *tls_, pool_, dns_, opts_, log_, [this](std::uint64_t id) {
             release(id);
           }} {
  // Zero would queue every request forever.
  opts_.max_in_flight = std::max<std::size_t>(1, opts_.max_in_flight);
  auto threads = std::max(1, opts_.io_threads);
  threads_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run_io_thread(); });
  log_->debug("http client started: {} I/O thread(s), max_in_flight={}, private targets {}",
              threads, opts_.max_in_flight, opts_.allow_private_targets ? "allowed" : "refused");
}

http_client_impl::~http_client_impl() {
  stop();
}

void http_client_impl::send(http_request req, std::function<void(http_result)> done) {
  std::shared_ptr<http_exchange> exchange;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) {
      lock.unlock();
      // No I/O thread is left to run it; this is the only call on the caller's thread.
      done(shutdown_result());
      return;
    }
    queued_request item{std::move(req), std::move(done)};
    if (active_.size() >= opts_.max_in_flight) {
      queued_.push_back(std::move(item));
      return;
    }
    exchange = admit_locked(std::move(item));
  }
  exchange->start();
}

std::shared_ptr<http_exchange> http_client_impl::admit_locked(queued_request&& item) {
  auto id = ++next_id_;
  auto exchange =
      std::make_shared<http_exchange>(env_, id, std::move(item.req), std::move(item.done));
  active_.emplace(id, exchange);
  return exchange;
}

void http_client_impl::release(std::uint64_t id) {
  std::shared_ptr<http_exchange> next;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    active_.erase(id);
    if (!stopping_ && !queued_.empty() && active_.size() < opts_.max_in_flight) {
      next = admit_locked(std::move(queued_.front()));
      queued_.pop_front();
    }
  }
  if (next)
    next->start();
}

void http_client_impl::stop() {
  auto self = std::this_thread::get_id();
  for (const auto& t : threads_)
    if (t.get_id() == self)
      throw std::logic_error("http_sender::stop() called from one of its own I/O threads");
  std::call_once(stop_once_, [this] { do_stop(); });
}

void http_client_impl::do_stop() {
  std::deque<queued_request> queued;
  std::vector<std::shared_ptr<http_exchange>> active;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    queued.swap(queued_);
    for (const auto& entry : active_)
      active.push_back(entry.second);
  }
  // `done` belongs on an I/O thread, and they keep running until this work is gone.
  for (auto& item : queued)
    boost::asio::post(ioc_, [done = std::move(item.done)] { done(shutdown_result()); });
  for (auto& exchange : active)
    exchange->cancel(http_failure::shutdown, "HTTP client is stopping");
  active.clear();
  pool_.close_all();
  // Lookups still running post their (ignored) results to the live I/O threads.
  dns_.stop();
  work_.reset();
  for (auto& t : threads_)
    t.join();
  log_->debug("http client stopped");
}

void http_client_impl::run_io_thread() {
  for (;;) {
    try {
      ioc_.run();
      return;
    } catch (const std::exception& e) {
      log_->error("http client: exception escaped an I/O handler: {}", e.what());
    } catch (...) {
      log_->error("http client: unknown exception escaped an I/O handler");
    }
  }
}

} // namespace courier::net
