#pragma once
// When to try a failed delivery again: the configured schedule with jitter, lengthened
// (never shortened) by the subscriber's Retry-After (parsed by
// actors/webhook/retry_after.hpp) up to the schedule's last step. Pure: time and
// randomness come in as arguments so tests need no clock.
#include <chrono>
#include <optional>
#include <vector>

namespace courier {

class retry_policy {
public:
  // jitter: each delay is scaled by a factor in [1 - jitter, 1 + jitter], capped.
  explicit retry_policy(std::vector<std::chrono::milliseconds> schedule, double jitter = 0.2);

  // Delay before the next attempt after `failed_attempts` (>= 1) failures: the
  // jittered step for that attempt, or the subscriber's Retry-After when it asks for
  // longer (at most cap()). A Retry-After of 0 or a past date cannot make the retry
  // sooner than the schedule: that would let a subscriber drive a tight retry loop.
  // unit_random in [0, 1). retry_after: the subscriber's wish, if it sent one.
  std::chrono::milliseconds next_delay(int failed_attempts,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       double unit_random) const;

  std::chrono::milliseconds cap() const { return schedule_.back(); }

private:
  std::vector<std::chrono::milliseconds> schedule_;
  double jitter_;
};

} // namespace courier
