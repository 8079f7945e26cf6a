#pragma once
// The delivery settings one hook runs with: its own options (courier.configure_hook)
// where set, the node's configuration elsewhere. Resolved by its delivery actor when it
// starts and whenever the hook's options change.
#include "actors/domain/hook_options.hpp"
#include "actors/policy/retry_policy.hpp"
#include "config/node_config.hpp"

#include <chrono>

namespace courier {

struct hook_policy {
  retry_policy retry;
  config::poison_policy poison;
  int max_attempts;
  std::chrono::milliseconds http_timeout;

  static hook_policy resolve(const hook_options& own, const config::node_config& node,
                             const retry_policy& node_retry);

  // Whether a head event that has failed `failed_attempts` times is parked now.
  bool parks_after(int failed_attempts) const {
    return poison == config::poison_policy::dead_letter && failed_attempts >= max_attempts;
  }
};

} // namespace courier
