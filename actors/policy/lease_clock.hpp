#pragma once
// The node's self-expiry fence: the lease keeper extends it after every confirmed
// heartbeat; delivery checks it before each send. Lock-free, shared by all threads.
// If the lease thread stalls (frozen process, hung network) the fence closes by
// itself, before any peer may take the partitions over.
#include <atomic>
#include <chrono>

namespace courier {

class lease_clock {
public:
  using clock = std::chrono::steady_clock;

  // A heartbeat sent at `sent_at` was confirmed: valid until sent_at + self_expiry.
  void confirm(clock::time_point sent_at, clock::duration self_expiry) {
    valid_until_.store((sent_at + self_expiry).time_since_epoch().count(),
                       std::memory_order_release);
    confirmed_once_.store(true, std::memory_order_release);
  }

  void invalidate() { valid_until_.store(0, std::memory_order_release); }

  bool valid(clock::time_point now = clock::now()) const {
    return now.time_since_epoch().count() < valid_until_.load(std::memory_order_acquire);
  }

  // False until the first confirmed heartbeat. Partitions are only acquired after one, so
  // until then the node holds nothing that a drain would have to hand over.
  bool ever_confirmed() const { return confirmed_once_.load(std::memory_order_acquire); }

private:
  std::atomic<clock::rep> valid_until_{0};
  std::atomic<bool> confirmed_once_{false};
};

} // namespace courier
