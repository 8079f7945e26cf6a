#pragma once
// steady_writer emits one event to every hook (courier.emit, type "tick", {"n": seq})
// every `period` from a thread and connection of its own, plus bursts on request, and
// remembers when each event committed, so a test can tell how late a delivery was.
// Every hook receives every event, so one seq serves them all: create the hooks first,
// and emit nothing else meanwhile. Methods are for the thread that owns the writer.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace courier::test {

class steady_writer {
public:
  using clock = std::chrono::steady_clock;

  steady_writer(std::string db_url, std::chrono::milliseconds period);
  ~steady_writer(); // stop()
  steady_writer(const steady_writer&) = delete;
  steady_writer& operator=(const steady_writer&) = delete;

  // Commits `events` more in one transaction, between two ticks; returns the last seq.
  // Throws std::runtime_error when the writer has failed.
  std::int64_t burst(int events);
  void stop();               // joins the thread; idempotent
  std::string error() const; // why the writer stopped early; "" while all is well
  std::int64_t last_seq() const;
  // When the transaction holding `seq` (1..last_seq()) had committed.
  clock::time_point committed_at(std::int64_t seq) const;

private:
  void run();

  const std::string db_;
  const std::chrono::milliseconds period_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<clock::time_point> committed_; // index seq - 1
  int burst_requested_ = 0;
  std::int64_t burst_last_seq_ = 0;
  int bursts_done_ = 0;
  bool stopping_ = false;
  std::string error_;
  std::thread thread_;
};

} // namespace courier::test
