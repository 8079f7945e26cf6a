#pragma once
// What the cluster metrics actor asks of Postgres: one snapshot of the whole cluster's
// delivery state, the same for every node that reads it. The call returns at once; the
// query runs on the store's threads (never a CAF scheduler thread) and `done` is called
// there exactly once.
#include "actors/domain/error.hpp"
#include "actors/domain/ids.hpp"

#include <cstdint>
#include <vector>

namespace courier {

// An active hook with committed events it has not delivered yet.
struct hook_lag {
  hook_id hook{};
  double oldest_undelivered_seconds = 0; // since the emit of the event it waits on
  std::int64_t backlog = 0;              // committed events after its cursor
  int head_attempts = 0; // failed attempts of the event it waits on, as last recorded
                         // (attempts 1, 2, 4, 8, ...: see the delivery actor)
};

// Hooks by state, each hook counted once (courier.hook_status's states, with blocked
// split from active).
struct hook_counts {
  std::int64_t active = 0;      // delivering normally
  std::int64_t blocked = 0;     // active, its head event has failed at least once
  std::int64_t quarantined = 0; // active, its delivery actor is quarantined
  std::int64_t paused = 0;
  std::int64_t disabled = 0;
};

struct cluster_stats {
  std::vector<hook_lag> most_lagging;    // up to `top_hooks`, oldest undelivered first
  double oldest_undelivered_seconds = 0; // over every active hook; 0 when none lags
  std::int64_t backlog_events = 0;       // committed, undelivered events of active hooks
  hook_counts hooks;
  std::int64_t dead_letters = 0; // parked and not replayed
  int live_nodes = 0;            // as the lease keepers count them
  int partitions = 0;            // cluster-wide partition count
  int partitions_owned = 0;      // partitions whose lease lock some session holds
};

class cluster_stats_source {
public:
  virtual ~cluster_stats_source() = default;
  virtual void read(int top_hooks, callback<cluster_stats> done) = 0;
};

} // namespace courier
