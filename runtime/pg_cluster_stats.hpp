#pragma once
// The Postgres implementation of `cluster_stats_source`: three read-only queries in one
// transaction on a pg_pool thread, bounded by a statement and a lock timeout so a read
// never queues behind outbox maintenance for long.
#include "actors/ports/cluster_stats_source.hpp"
#include "runtime/pg_pool.hpp"

#include <chrono>
#include <memory>

namespace courier {

class pg_cluster_stats final : public cluster_stats_source {
public:
  // live_within: a node counts as live while its heartbeat is this recent (the lease
  // keeper's own rule: lease_self_expiry_ms).
  pg_cluster_stats(std::shared_ptr<pg_pool> pool, std::chrono::milliseconds live_within);

  void read(int top_hooks, callback<cluster_stats> done) override;

private:
  std::shared_ptr<pg_pool> pool_;
  std::chrono::milliseconds live_within_;
};

} // namespace courier
