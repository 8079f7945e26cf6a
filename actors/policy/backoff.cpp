#include "actors/policy/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace courier {

std::chrono::milliseconds backoff::delay(int failures, double unit_random) const {
  // Computed in double: factor^n overflows no integer and saturates at the cap.
  double grown = static_cast<double>(base.count()) * std::pow(factor, std::max(failures, 1) - 1);
  double capped = std::min(grown, static_cast<double>(cap.count()));
  double spread = std::clamp(jitter, 0.0, 1.0);
  double scale = 1.0 - spread + 2.0 * spread * std::clamp(unit_random, 0.0, 1.0);
  auto jittered = std::chrono::milliseconds{static_cast<long long>(capped * scale)};
  return std::clamp(jittered, std::chrono::milliseconds{1}, cap);
}

int failure_history::record(clock::time_point now, std::chrono::milliseconds window) {
  failures_.push_back(now);
  auto recent = std::find_if(failures_.begin(), failures_.end(),
                             [&](clock::time_point t) { return now - t <= window; });
  failures_.erase(failures_.begin(), recent);
  return static_cast<int>(failures_.size());
}

restart_decision restart_policy::on_failure(failure_history& history,
                                            failure_history::clock::time_point now,
                                            double unit_random) const {
  restart_decision d;
  d.failures = history.record(now, budget.window);
  if (d.failures > budget.max_restarts) {
    d.quarantine = true;
    d.delay = budget.quarantine;
    history.clear();
  } else {
    d.delay = delays.delay(d.failures, unit_random);
  }
  return d;
}

restart_decision restart_policy::backoff_only(failure_history& history,
                                              failure_history::clock::time_point now,
                                              double unit_random) const {
  restart_decision d;
  d.failures = history.record(now, budget.window);
  d.delay = delays.delay(d.failures, unit_random);
  return d;
}

} // namespace courier
