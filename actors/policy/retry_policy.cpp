#include "actors/policy/retry_policy.hpp"

#include <algorithm>
#include <stdexcept>

namespace courier {

retry_policy::retry_policy(std::vector<std::chrono::milliseconds> schedule, double jitter)
    : schedule_(std::move(schedule)), jitter_(std::clamp(jitter, 0.0, 1.0)) {
  if (schedule_.empty())
    throw std::invalid_argument("retry schedule must not be empty");
}

std::chrono::milliseconds
retry_policy::next_delay(int failed_attempts, std::optional<std::chrono::milliseconds> retry_after,
                         double unit_random) const {
  auto index = static_cast<std::size_t>(std::max(failed_attempts, 1) - 1);
  auto base = schedule_[std::min(index, schedule_.size() - 1)];
  double factor = 1.0 - jitter_ + 2.0 * jitter_ * std::clamp(unit_random, 0.0, 1.0);
  auto jittered = std::chrono::milliseconds{static_cast<long long>(base.count() * factor)};
  auto step = std::clamp(jittered, std::chrono::milliseconds{1}, cap());
  if (!retry_after)
    return step;
  return std::max(step, std::min(*retry_after, cap()));
}

} // namespace courier
