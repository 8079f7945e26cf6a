#pragma once
// Contract of the LISTEN connection that wakes delivery: courier.emit NOTIFYs
// 'courier_events' with "partition:hook" at commit, hook changes NOTIFY
// 'courier_hooks' with "partition". Blocking; used by the listener actor's thread. A
// failed call returns a classified error and leaves the session closed.
#include "actors/domain/error.hpp"
#include "actors/domain/ids.hpp"
#include "actors/domain/types.hpp"

#include <chrono>
#include <optional>
#include <vector>

namespace courier {

class notification_source {
public:
  virtual ~notification_source() = default;
  // Connects and LISTENs.
  virtual result<void> open() = 0;
  virtual bool is_open() const = 0;
  // Waits up to `timeout` for notifications and returns all that arrived (possibly
  // none).
  virtual result<std::vector<wakeup>> wait(std::chrono::milliseconds timeout) = 0;
};

} // namespace courier
