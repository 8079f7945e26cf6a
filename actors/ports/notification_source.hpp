#pragma once
// Contract of the LISTEN connection that wakes delivery: courier.emit NOTIFYs
// 'courier_events' with "partition:hook" at commit, hook changes NOTIFY
// 'courier_hooks' with "partition". Blocking; used by the listener actor's thread.
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace courier {

struct wakeup {
  int partition = 0;
  std::int64_t hook_id = 0; // 0: the partition's hook set changed
};

struct notification_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class notification_source {
public:
  virtual ~notification_source() = default;
  // Connects and LISTENs. Throws notification_error.
  virtual void open() = 0;
  virtual bool is_open() const = 0;
  // Waits up to `timeout` for notifications and returns all that arrived (possibly
  // none). Throws notification_error when the connection fails.
  virtual std::vector<wakeup> wait(std::chrono::milliseconds timeout) = 0;
  // Safety net for lost or missed notifications: hooks whose committed stream is
  // ahead of their durable cursor, among the given partitions.
  virtual std::vector<wakeup> backlog(const std::vector<int>& partitions) = 0;
};

} // namespace courier
