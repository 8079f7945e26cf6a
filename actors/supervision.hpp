#pragma once
// What every supervisor in the tree shares besides its restart policy
// (actors/policy/backoff.hpp): the registry of the children it monitors, the down
// handler that routes their ends, and the random draws its backoffs are jittered
// with. Each instance lives in one supervisor's state and is used on its thread only.
#include <caf/actor_addr.hpp>
#include <caf/error.hpp>
#include <caf/system_messages.hpp>

#include <optional>
#include <random>
#include <unordered_map>

namespace courier {

// The running children of one supervisor under the key it knows them by (a partition,
// a hook id). (The node's count of running actors per type is kept by each actor's own
// actor_probe, actors/actor_telemetry.hpp.)
template <class Key> class child_registry {
public:
  template <class Handle> void add(const Handle& child, Key key) {
    by_addr_.emplace(child.address(), std::move(key));
  }

  // The key of a child still tracked, now forgotten: on its down message, or when the
  // supervisor gives up on it first (its later down message then finds nothing).
  std::optional<Key> forget(const caf::actor_addr& child) {
    auto found = by_addr_.find(child);
    if (found == by_addr_.end())
      return std::nullopt;
    Key key = std::move(found->second);
    by_addr_.erase(found);
    return key;
  }

  bool empty() const { return by_addr_.empty(); }

private:
  std::unordered_map<caf::actor_addr, Key> by_addr_;
};

// Routes the down message of a child in `children` (a member of self's state) to
// on_down(key, reason); a reason of none is a normal exit. Other down messages
// (children already forgotten) are ignored.
template <class Self, class Key, class OnDown>
void watch_children(Self* self, child_registry<Key>& children, OnDown on_down) {
  self->set_down_handler([&children, on_down](caf::down_msg& dm) {
    if (auto key = children.forget(dm.source))
      on_down(*key, dm.reason);
  });
}

// Uniform draws in [0, 1) for backoff jitter, seeded per supervisor so peers differ.
class jitter_source {
public:
  double next() { return std::uniform_real_distribution<double>{0.0, 1.0}(rng_); }

private:
  std::mt19937_64 rng_{std::random_device{}()};
};

} // namespace courier
