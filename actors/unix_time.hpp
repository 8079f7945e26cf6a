#pragma once
// Wall-clock time as the outbox stores it and subscribers see it: milliseconds since
// the Unix epoch. Reads the system clock; safe on any thread.
#include <chrono>
#include <cstdint>

namespace courier {

inline std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace courier
