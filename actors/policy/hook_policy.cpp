#include "actors/policy/hook_policy.hpp"

namespace courier {

hook_policy hook_policy::resolve(const hook_options& own, const config::node_config& node,
                                 const retry_policy& node_retry) {
  return {own.retry_schedule ? retry_policy{*own.retry_schedule} : node_retry,
          own.poison.value_or(node.poison), own.max_attempts.value_or(node.max_attempts),
          own.http_timeout.value_or(node.http_timeout)};
}

} // namespace courier
