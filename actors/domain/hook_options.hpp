#pragma once
// Per-hook overrides of the node's delivery settings, as stored by
// courier.configure_hook(hook_id, options jsonb); an unset member takes the node's value.
#include "config/node_config.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace courier {

struct hook_options {
  std::optional<std::vector<std::chrono::milliseconds>> retry_schedule;
  std::optional<int> max_attempts;
  std::optional<config::poison_policy> poison;
  std::optional<std::chrono::milliseconds> http_timeout;
  std::optional<double> rate_limit; // requests per second
  std::optional<std::chrono::milliseconds> pause_after;
  // Sent with every request besides Courier's own (never webhook-*, courier-*,
  // content-type, host: configure_hook refuses those).
  std::vector<std::pair<std::string, std::string>> headers;
  // Ordered batches: up to this many consecutive events (and payload bytes) per POST.
  std::optional<int> batch_max;
  std::optional<std::int64_t> batch_max_bytes;
  // ordering: "none" (true) — the unordered mode — or "strict"; and its window.
  std::optional<bool> unordered;
  std::optional<int> max_in_flight_per_hook;

  bool operator==(const hook_options& o) const {
    return retry_schedule == o.retry_schedule && max_attempts == o.max_attempts &&
           poison == o.poison && http_timeout == o.http_timeout && rate_limit == o.rate_limit &&
           pause_after == o.pause_after && headers == o.headers && batch_max == o.batch_max &&
           batch_max_bytes == o.batch_max_bytes && unordered == o.unordered &&
           max_in_flight_per_hook == o.max_in_flight_per_hook;
  }
  bool operator!=(const hook_options& o) const { return !(*this == o); }
};

} // namespace courier
