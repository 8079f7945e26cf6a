#pragma once
// SIGTERM and SIGINT for the whole process, taken by one thread of its own (sigwait) from
// the first line of main to the exit. While the node is starting a signal ends the process
// at once with exit code 0: it holds no partition yet, so there is nothing to hand over,
// and whatever blocks startup (a connect to an unreachable database, a DNS lookup, a
// schema check waiting on a lock) is abandoned rather than waited for. Once the node can
// drain, the drain action decides; a drain that overruns its deadline ends with exit 1.
#include <chrono>
#include <functional>
#include <memory>

namespace courier {

class termination {
public:
  // Returns true when it has started a drain that ends the process by itself; false when
  // there is nothing to drain yet, and the process exits 0 at once.
  using drain_action = std::function<bool(const char* signal_name)>;

  // Blocks SIGTERM and SIGINT in the calling thread and starts the waiting thread. Call it
  // first in main, before any other thread exists: threads inherit the blocked mask, so
  // none of them can take the signal instead.
  termination();

  // From now on a signal calls `drain`; `deadline` bounds the drain it starts.
  void on_signal(drain_action drain, std::chrono::milliseconds deadline);

private:
  struct shared;
  std::shared_ptr<shared> shared_; // also held by the waiting thread, which outlives main
};

} // namespace courier
