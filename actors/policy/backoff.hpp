#pragma once
// How every supervisor in the node waits before trying again: exponential backoff
// with jitter for restarts and reconnects, and a restart budget that quarantines a
// child failing too often. Pure: the caller passes the time and the random draw, so
// tests need no clock. Values are read-only after construction; a supervisor's
// failure_history is owned by that supervisor's state.
#include <chrono>
#include <vector>

namespace courier {

// base * factor^(failures - 1), at most cap, then scaled by a random factor in
// [1 - jitter, 1 + jitter] (and capped again) so peers failing together do not
// retry in lockstep.
struct backoff {
  std::chrono::milliseconds base{0};
  double factor = 2.0;
  std::chrono::milliseconds cap{0};
  double jitter = 0.0;

  // Delay before the next try after `failures` (>= 1) consecutive failures;
  // unit_random in [0, 1).
  std::chrono::milliseconds delay(int failures, double unit_random) const;
};

// Up to `max_restarts` restarts within `window`; the failure after that quarantines
// the child for `quarantine` instead.
struct restart_budget {
  int max_restarts = 0;
  std::chrono::milliseconds window{0};
  std::chrono::milliseconds quarantine{0};
};

// The recent failures of one supervised child.
class failure_history {
public:
  using clock = std::chrono::steady_clock;

  // Records a failure at `now`, forgets those more than `window` before it and returns
  // how many remain (this one included).
  int record(clock::time_point now, std::chrono::milliseconds window);
  void clear() { failures_.clear(); }

private:
  // A vector, not a deque: most hooks never fail, and an empty libstdc++ deque still
  // allocates ~600 bytes (every hosted hook keeps two histories).
  std::vector<clock::time_point> failures_;
};

struct restart_decision {
  int failures = 0;                   // within the window, this one included
  bool quarantine = false;            // over budget: the history is cleared
  std::chrono::milliseconds delay{0}; // until the restart (the quarantine when quarantined)
};

struct restart_policy {
  backoff delays;
  restart_budget budget;

  // What to do about a child that just failed; `history` is that child's.
  restart_decision on_failure(failure_history& history, failure_history::clock::time_point now,
                              double unit_random) const;

  // The same for a failure that must not spend the budget: the child is not at fault
  // (the store was unreachable) or quarantining it would idle a lease. It restarts after
  // the backoff for the failures of this kind within the window, never quarantined.
  restart_decision backoff_only(failure_history& history, failure_history::clock::time_point now,
                                double unit_random) const;
};

} // namespace courier
