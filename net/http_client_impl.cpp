#include "net/http_client_impl.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <optional>
#include <stdexcept>
#include <string>

#include "net/log.hpp"
#include "net/tls_context.hpp"
#include "net/url.hpp"

namespace courier::net {

namespace {

// getaddrinfo() blocks for as long as DNS takes; a few threads keep one slow
// domain from delaying every other lookup.
constexpr std::size_t dns_threads = 4;

// How often waiting requests are checked for their fence and max_queue_wait.
constexpr std::chrono::milliseconds waiting_check_period{200};

http_result failure_result(http_failure failure, std::string error) {
  http_result result;
  result.failure = failure;
  result.error = std::move(error);
  return result;
}

http_result shutdown_result() {
  return failure_result(http_failure::shutdown, "HTTP client is stopping");
}

slot_outcome outcome_of(http_failure how) {
  if (how == http_failure::none)
    return slot_outcome::answered;
  return how == http_failure::timeout ? slot_outcome::timed_out : slot_outcome::other;
}

// A bad URL gets no origin of its own; its exchange fails it at once.
std::string origin_of(const std::string& text) {
  auto parsed = parse_url(text);
  return parsed ? parsed->origin() : std::string();
}

// Why a waiting request must leave the queue now, if it must.
std::optional<http_result> waiting_verdict(const http_request& req,
                                           std::chrono::steady_clock::duration waited,
                                           std::chrono::milliseconds max_wait) {
  if (req.may_send) {
    bool allowed = false;
    try {
      allowed = req.may_send();
    } catch (const std::exception& e) {
      return failure_result(http_failure::fenced,
                            std::string("not sent: may_send() threw: ") + e.what());
    }
    if (!allowed)
      return failure_result(http_failure::fenced,
                            "not sent: may_send() refused while waiting for a slot");
  }
  if (waited >= max_wait)
    return failure_result(http_failure::no_slot, "not sent: no in-flight slot free within " +
                                                     std::to_string(max_wait.count()) + " ms");
  return std::nullopt;
}

} // namespace

http_client_impl::http_client_impl(const http_client_options& opts)
    : opts_(opts), log_(logger("http")), tls_(make_tls_context(opts.ca_file)),
      ioc_(std::max(1, opts.io_threads)), work_(boost::asio::make_work_guard(ioc_)),
      dns_(dns_threads),
      pool_(opts.max_idle_per_origin), env_{ioc_, *tls_, pool_, dns_, opts_, log_, nullptr},
      slots_(slot_limits_for(opts.max_in_flight, opts.max_in_flight_per_origin)),
      check_timer_(ioc_) {
  env_.release = [this](std::uint64_t id, http_failure how) {
    release(id, how);
  };
  auto threads = std::max(1, opts_.io_threads);
  threads_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run_io_thread(); });
  const auto& limits = slots_.limits();
  log_->debug("http client started: {} I/O thread(s), max_in_flight={} ({} per origin, {} for "
              "timed-out flows), private targets {}",
              threads, limits.max_in_flight, limits.max_per_origin, limits.max_timed_out,
              opts_.allow_private_targets ? "allowed" : "refused");
}

http_client_impl::~http_client_impl() {
  stop();
}

void http_client_impl::send(http_request req, std::function<void(http_result)> done) {
  std::vector<std::shared_ptr<http_exchange>> started;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (stopping_) {
      lock.unlock();
      // No I/O thread is left to run it; this is the only call on the caller's thread.
      done(shutdown_result());
      return;
    }
    auto id = ++next_id_;
    auto origin = origin_of(req.url);
    // Prefixed so that a caller's flow key never shares a turn with a keyless origin.
    auto flow = req.flow.empty() ? "origin " + origin : "flow " + req.flow;
    slots_.enqueue(id, flow, origin);
    waiting_.emplace(
        id, waiting_request{std::move(req), std::move(done), std::chrono::steady_clock::now()});
    started = admit_locked();
    arm_check_locked();
  }
  for (auto& exchange : started)
    exchange->start();
}

std::vector<std::shared_ptr<http_exchange>> http_client_impl::admit_locked() {
  std::vector<std::shared_ptr<http_exchange>> started;
  for (auto id : slots_.admit()) {
    auto it = waiting_.find(id);
    auto exchange = std::make_shared<http_exchange>(env_, id, std::move(it->second.req),
                                                    std::move(it->second.done));
    waiting_.erase(it);
    active_.emplace(id, exchange);
    started.push_back(std::move(exchange));
  }
  return started;
}

void http_client_impl::release(std::uint64_t id, http_failure how) {
  std::vector<std::shared_ptr<http_exchange>> started;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    active_.erase(id);
    slots_.finish(id, outcome_of(how));
    if (!stopping_)
      started = admit_locked();
  }
  for (auto& exchange : started)
    exchange->start();
}

void http_client_impl::arm_check_locked() {
  if (check_armed_ || stopping_ || waiting_.empty())
    return;
  check_armed_ = true;
  check_timer_.expires_after(waiting_check_period);
  check_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec)
      check_waiting();
  });
}

void http_client_impl::check_waiting() {
  std::vector<done_call> failed;
  std::vector<std::shared_ptr<http_exchange>> started;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    check_armed_ = false;
    if (stopping_)
      return;
    auto now = std::chrono::steady_clock::now();
    for (auto it = waiting_.begin(); it != waiting_.end();) {
      auto verdict = waiting_verdict(it->second.req, now - it->second.since, opts_.max_queue_wait);
      if (!verdict) {
        ++it;
        continue;
      }
      slots_.cancel(it->first);
      failed.emplace_back(std::move(it->second.done), std::move(*verdict));
      it = waiting_.erase(it);
    }
    // A flow whose next request left may have others that can go now.
    started = admit_locked();
    arm_check_locked();
  }
  if (!failed.empty())
    log_->debug("http client: {} waiting request(s) left the queue unsent", failed.size());
  for (auto& exchange : started)
    exchange->start();
  for (auto& [done, result] : failed)
    done(std::move(result));
}

void http_client_impl::stop() {
  auto self = std::this_thread::get_id();
  for (const auto& t : threads_)
    if (t.get_id() == self)
      throw std::logic_error("http_sender::stop() called from one of its own I/O threads");
  std::call_once(stop_once_, [this] { do_stop(); });
}

void http_client_impl::do_stop() {
  std::unordered_map<std::uint64_t, waiting_request> waiting;
  std::vector<std::shared_ptr<http_exchange>> active;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    waiting.swap(waiting_);
    for (const auto& entry : active_)
      active.push_back(entry.second);
    check_timer_.cancel();
  }
  // `done` belongs on an I/O thread, and they keep running until this work is gone.
  for (auto& [id, item] : waiting)
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
