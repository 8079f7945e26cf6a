#include "tests/support/steady_writer.hpp"

#include "tests/support/emitter.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <stdexcept>

namespace courier::test {

steady_writer::steady_writer(std::string db_url, std::chrono::milliseconds period)
    : db_(std::move(db_url)), period_(period) {
  thread_ = std::thread{[this] {
    run();
  }};
}

steady_writer::~steady_writer() {
  stop();
}

void steady_writer::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void steady_writer::run() {
  try {
    pqxx::connection conn{db_};
    auto next_tick = clock::now();
    for (;;) {
      int events = 1;
      bool is_burst = false;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_until(lock, next_tick, [&] { return stopping_ || burst_requested_ > 0; });
        if (stopping_) {
          return;
        }
        if (burst_requested_ > 0) {
          events = burst_requested_;
          burst_requested_ = 0;
          is_burst = true;
        } else {
          next_tick = std::max(next_tick + period_, clock::now()); // late: no catch-up rush
        }
      }
      const auto first = static_cast<std::int64_t>(committed_.size()) + 1;
      pqxx::work tx{conn};
      emit_batch(tx, "tick", numbered_payloads(events, first));
      tx.commit();
      const auto at = clock::now();
      {
        std::lock_guard<std::mutex> lock(mutex_);
        committed_.insert(committed_.end(), static_cast<std::size_t>(events), at);
        if (is_burst) {
          burst_last_seq_ = first + events - 1;
          ++bursts_done_;
        }
      }
      cv_.notify_all();
    }
  } catch (const std::exception& e) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::string("steady_writer: ") + e.what();
    }
    cv_.notify_all();
  }
}

std::int64_t steady_writer::burst(int events) {
  std::unique_lock<std::mutex> lock(mutex_);
  const int done_before = bursts_done_;
  burst_requested_ = events;
  cv_.notify_all();
  cv_.wait(lock, [&] { return bursts_done_ > done_before || !error_.empty() || stopping_; });
  if (bursts_done_ == done_before) {
    throw std::runtime_error(error_.empty() ? "steady_writer: stopped before the burst" : error_);
  }
  return burst_last_seq_;
}

std::string steady_writer::error() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

std::int64_t steady_writer::last_seq() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<std::int64_t>(committed_.size());
}

steady_writer::clock::time_point steady_writer::committed_at(std::int64_t seq) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return committed_.at(static_cast<std::size_t>(seq - 1));
}

} // namespace courier::test
