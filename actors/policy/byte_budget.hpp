#pragma once
// The node's budget of payload bytes that delivery actors hold between fetching an event
// and delivering (or parking) it: max_buffered_bytes. One per node, in node_context,
// shared by every delivery actor on any thread (an atomic counter, no lock).
//
// How a hook takes from it (hook_byte_share below): before a fetch it asks for the room
// left in its own share (max_prefetch_bytes_per_hook minus what it holds) and gets what
// the budget has left of that, but no crumbs: a grant is at least min_grant (64 KiB, or
// the whole room when smaller), otherwise the hook waits and asks again. The store then
// returns events up to the grant, but always at least one, so one event larger than the
// grant (or than the whole budget) is still fetched and charged in full: a hook never
// waits for an impossible grant. Hence the node holds at most max_buffered_bytes plus,
// for each fetch in flight when the budget ran out, its first event's excess over its
// grant (an event is at most courier.settings.max_payload_bytes, 1 MiB by default).
// Partial grants keep hooks sharing a nearly spent budget; whole grants only would
// serialize hooks whose share is a large part of the budget.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>

namespace courier {

class byte_budget {
public:
  explicit byte_budget(std::int64_t capacity) : capacity_(capacity) {}

  // Takes as much of `wanted` as fits under the capacity if that is at least `at_least`;
  // returns what it took (0: nothing).
  std::int64_t take_up_to(std::int64_t wanted, std::int64_t at_least);
  // Takes `bytes` whatever the capacity says (an event larger than its grant).
  void charge(std::int64_t bytes);
  void give_back(std::int64_t bytes);

  std::int64_t used() const { return used_.load(std::memory_order_relaxed); }
  std::int64_t capacity() const { return capacity_; }

private:
  const std::int64_t capacity_;
  std::atomic<std::int64_t> used_{0};
};

// What one delivery actor holds of the node's budget: the bytes of its buffered events
// plus the grant of the fetch it has in flight. Lives in the actor's state and is used
// on its thread only; the destructor gives everything back, so an actor that exits or
// crashes cannot leak budget.
class hook_byte_share {
public:
  hook_byte_share() = default;
  hook_byte_share(std::shared_ptr<byte_budget> budget, std::int64_t per_hook_cap);
  ~hook_byte_share();
  hook_byte_share(hook_byte_share&& other) noexcept;
  hook_byte_share& operator=(hook_byte_share&& other) noexcept;
  hook_byte_share(const hook_byte_share&) = delete;
  hook_byte_share& operator=(const hook_byte_share&) = delete;

  // Whether the hook holds so little (under half its share) that a fetch is worth it.
  bool wants_more() const { return held_ + granted_ < per_hook_cap_ / 2; }
  static constexpr std::int64_t min_grant = 64 << 10;

  // The byte cap for the next fetch, taken from the budget; nullopt while the budget
  // cannot spare min_grant (wait and ask again). Call only when wants_more().
  std::optional<std::int64_t> grant_fetch();
  // The fetch is back with `fetched` bytes of new events: the unused grant goes back,
  // an event beyond it is charged.
  void settle(std::int64_t fetched);
  // A buffered event of `bytes` left (delivered or parked).
  void release(std::int64_t bytes);

  std::int64_t held() const { return held_; }

private:
  void give_all_back();

  std::shared_ptr<byte_budget> budget_;
  std::int64_t per_hook_cap_ = 0;
  std::int64_t held_ = 0;    // bytes of buffered events
  std::int64_t granted_ = 0; // taken for the fetch in flight
};

} // namespace courier
