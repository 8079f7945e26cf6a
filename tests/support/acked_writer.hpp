#pragma once
// An application that keeps writing through database outages and knows what it may
// claim: it emits {"n": 1}, {"n": 2}, ... with courier.emit, one transaction each, and
// files every n by what its COMMIT told it. Only an acknowledged commit is a promise;
// a connection lost during COMMIT leaves the outcome unknown. Owns one thread (and its
// connection), started by the constructor and ended by stop() or the destructor;
// the accessors are thread-safe.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace courier::test {

class acked_writer {
public:
  acked_writer(std::string db_url, std::string event_type, std::chrono::milliseconds pause);
  ~acked_writer();
  acked_writer(const acked_writer&) = delete;
  acked_writer& operator=(const acked_writer&) = delete;

  void stop(); // finishes the transaction under way, then joins

  std::vector<std::int64_t> acknowledged() const; // COMMIT returned success
  std::vector<std::int64_t> in_doubt() const;     // COMMIT failed or its answer was lost
  std::size_t not_committed() const;              // failed before COMMIT (or could not connect)

private:
  void run();

  const std::string db_url_;
  const std::string type_;
  const std::chrono::milliseconds pause_;
  std::atomic<bool> running_{true};
  mutable std::mutex mutex_;
  std::vector<std::int64_t> acknowledged_;
  std::vector<std::int64_t> in_doubt_;
  std::size_t not_committed_ = 0;
  std::thread thread_;
};

} // namespace courier::test
