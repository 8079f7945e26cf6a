#include "actors/policy/unordered_window.hpp"

namespace courier {

std::size_t unordered_window::in_flight() const {
  std::size_t n = 0;
  for (const auto& s : slots_)
    n += s.in_flight ? 1 : 0;
  return n;
}

std::vector<std::size_t> unordered_window::ready(clock::time_point now, std::size_t room) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < slots_.size() && out.size() < room; ++i) {
    const auto& s = slots_[i];
    if (!s.in_flight && !s.finished && s.due <= now)
      out.push_back(i);
  }
  return out;
}

std::optional<unordered_window::clock::time_point>
unordered_window::next_due(clock::time_point now) const {
  std::optional<clock::time_point> earliest;
  for (const auto& s : slots_)
    if (!s.in_flight && !s.finished && s.due > now && (!earliest || s.due < *earliest))
      earliest = s.due;
  return earliest;
}

std::size_t unordered_window::finished_prefix() const {
  std::size_t n = 0;
  while (n < slots_.size() && slots_[n].finished)
    ++n;
  return n;
}

bool unordered_window::failing() const {
  for (const auto& s : slots_)
    if (s.attempts > 0 && !s.finished)
      return true;
  return false;
}

} // namespace courier
