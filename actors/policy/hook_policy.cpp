#include "actors/policy/hook_policy.hpp"

#include <cmath>

namespace courier {

hook_policy hook_policy::resolve(const hook_options& own, const config::node_config& node,
                                 const retry_policy& node_retry) {
  hook_policy p{own.retry_schedule ? retry_policy{*own.retry_schedule} : node_retry,
                own.poison.value_or(node.poison), own.max_attempts.value_or(node.max_attempts),
                own.http_timeout.value_or(node.http_timeout)};
  if (own.rate_limit && *own.rate_limit > 0)
    p.send_interval = std::chrono::microseconds{
        static_cast<std::int64_t>(std::ceil(1'005'000.0 / *own.rate_limit))};
  p.pause_after = own.pause_after.value_or(node.pause_after);
  p.batch_max = own.batch_max.value_or(1);
  p.batch_max_bytes = own.batch_max_bytes.value_or(p.batch_max_bytes);
  p.unordered = own.unordered.value_or(false);
  p.max_in_flight_per_hook = own.max_in_flight_per_hook.value_or(p.max_in_flight_per_hook);
  return p;
}

} // namespace courier
