#pragma once
// The delivery settings one hook runs with: its own options (courier.configure_hook)
// where set, the node's configuration elsewhere. Resolved by its delivery actor when it
// starts and whenever the hook's options change.
#include "actors/domain/hook_options.hpp"
#include "actors/policy/retry_policy.hpp"
#include "config/node_config.hpp"

#include <chrono>
#include <cstdint>

namespace courier {

struct hook_policy {
  retry_policy retry;
  config::poison_policy poison;
  int max_attempts;
  std::chrono::milliseconds http_timeout;
  // The least time between two requests' starts under rate_limit (zero: no limit). A
  // hair above 1/rate, so that arrival jitter never shows the subscriber one too many
  // in a second.
  std::chrono::microseconds send_interval{0};
  // How long the head may keep failing before the hook is paused (zero: never).
  std::chrono::milliseconds pause_after{0};
  // Ordered batches (CONTRACT.md "Batches") when batch_max > 1: at most this many events
  // per POST, and no more payload bytes than batch_max_bytes (the first event goes
  // whatever its size).
  int batch_max = 1;
  std::int64_t batch_max_bytes = 1 << 20;
  bool batches() const { return batch_max > 1 && !unordered; }
  // ordering none (CONTRACT.md "Unordered mode"): up to max_in_flight_per_hook events in
  // flight at once, each retried on its own.
  bool unordered = false;
  int max_in_flight_per_hook = 8;

  static hook_policy resolve(const hook_options& own, const config::node_config& node,
                             const retry_policy& node_retry);

  // Whether a head event that has failed `failed_attempts` times is parked now.
  bool parks_after(int failed_attempts) const {
    return poison == config::poison_policy::dead_letter && failed_attempts >= max_attempts;
  }

  // Whether a head failing since `failing_since_ms` (unix ms) is to be paused at `now_ms`.
  bool pauses(std::int64_t failing_since_ms, std::int64_t now_ms) const {
    return pause_after.count() > 0 && failing_since_ms > 0 &&
           now_ms - failing_since_ms >= pause_after.count();
  }
};

} // namespace courier
