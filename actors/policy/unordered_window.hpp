#pragma once
// The unordered mode's bookkeeping (ordering: none, CONTRACT.md "Unordered mode"): one
// slot per buffered event of the hook, in seq order, saying whether it is in flight,
// acknowledged (or parked), how often it failed and when its own retry is due. Up to
// max_in_flight_per_hook events go out at once, each retried on its own schedule; the
// durable cursor only moves over the contiguous prefix of finished events, so a crash
// redelivers at most the window. Pure: the delivery actor owns it and keeps it aligned
// with its buffer (slot i is buffer[i]); time comes in as arguments.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace courier {

class unordered_window {
public:
  using clock = std::chrono::steady_clock;

  struct slot {
    int attempts = 0; // failed attempts so far
    bool in_flight = false;
    bool finished = false;       // acknowledged, or parked as a dead letter
    clock::time_point due{};     // not before this (a retry's delay)
    std::int64_t sent_at_ms = 0; // unix ms of the attempt in flight (the attempt log)
    clock::time_point sent_at{};
  };

  void push_back() { slots_.emplace_back(); }
  void pop_front() { slots_.pop_front(); }
  std::size_t size() const { return slots_.size(); }
  slot& at(std::size_t i) { return slots_.at(i); }

  std::size_t in_flight() const;
  // Slots that may go out at `now`, lowest first, at most `room` of them.
  std::vector<std::size_t> ready(clock::time_point now, std::size_t room) const;
  // When the earliest slot waiting past `now` (a retry's delay, a held send) is due
  // (nullopt: none waits).
  std::optional<clock::time_point> next_due(clock::time_point now) const;
  // How many slots at the front are finished: the cursor may move over them.
  std::size_t finished_prefix() const;
  // Whether any slot is failing (has failed and is not finished).
  bool failing() const;

  void clear() { slots_.clear(); }

private:
  std::deque<slot> slots_;
};

} // namespace courier
