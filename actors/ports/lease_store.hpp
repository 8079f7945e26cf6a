#pragma once
// Contract of the partition-lease connection. Blocking: used only by the lease keeper
// actor on its own (detached) thread. A failed call returns a classified error and
// leaves the session closed: the caller must then assume every lease is gone (a dropped
// session drops its advisory locks); the class says whether reopening can help.
#include "actors/domain/error.hpp"
#include "actors/domain/types.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace courier {

// What one heartbeat learned about the cluster, from the node registry and pg_locks.
struct cluster_view {
  std::vector<std::string> live_nodes;  // sorted; includes this node
  std::vector<partition_id> held_by_me; // partitions whose advisory lock this session holds
  std::vector<partition_id> unowned;    // partitions no session holds
  // Among `unowned`: those whose lease row still names another node, which lost its
  // session while holding them (it crashed, was cut off, or the server lost every lock
  // in a restart or failover). Sorted.
  std::vector<partition_id> orphaned;
  int terminated_stale = 0; // lease sessions of dead/frozen nodes ended
};

class lease_store {
public:
  virtual ~lease_store() = default;
  // (Re)opens the lease connection and registers the node with its backend pid.
  virtual result<void> open() = 0;
  virtual bool is_open() const = 0;
  virtual void close() = 0;
  // Proves the session (and so its locks) alive, refreshes this node's heartbeat, and
  // ends the lease sessions of nodes silent for longer than `dead_after` (they have
  // self-expired by then, so taking their partitions cannot create a second owner).
  virtual result<cluster_view> heartbeat(std::chrono::milliseconds live_within,
                                         std::chrono::milliseconds dead_after) = 0;
  // Tries the advisory lock of each candidate; bumps the epoch of each one won.
  virtual result<std::vector<lease_grant>> acquire(const std::vector<partition_id>& candidates) = 0;
  virtual result<void> release(const std::vector<partition_id>& partitions) = 0;
  // Graceful leave: marks the node stopping so peers rebalance without waiting.
  virtual result<void> mark_stopping() = 0;
  virtual result<void> deregister() = 0;
};

} // namespace courier
