#pragma once
// Runs courierd nodes against one test database with settings tuned for tests (fast
// retries, short lease timings, admin on a kernel-picked port) and reads Courier's
// views. Owned by one test; processes are killed when it ends.
#include "tests/support/process.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace courier::test {

class node_harness {
public:
  explicit node_harness(std::string db_url, std::vector<std::string> common_args = {});

  // Starts `courierd` as node `node_id`; later args override earlier ones. exec_prefix
  // runs it through a launcher (child_options::exec_prefix), e.g. into a network namespace.
  courierd_process& start(const std::string& node_id, std::vector<std::string> extra = {},
                          std::vector<std::string> exec_prefix = {});
  courierd_process& node(const std::string& node_id);
  bool has(const std::string& node_id) const { return nodes_.count(node_id) > 0; }
  void forget(const std::string& node_id) { nodes_.erase(node_id); }

  // SIGTERM and wait; returns the exit code (nullopt: did not exit in time).
  std::optional<int> stop(const std::string& node_id,
                          std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Waits until the node reports the given number of held partitions.
  bool wait_partitions(const std::string& node_id, int partitions,
                       std::chrono::milliseconds timeout);

  const std::string& db() const { return db_; }
  std::int64_t scalar_int(const std::string& sql) const;
  std::map<std::string, int> partitions_by_node() const; // from courier.lease_locks
  // The live nodes hold all partitions between them, within one of each other.
  bool balanced(const std::vector<std::string>& live, int partitions) const;
  // Waits until balanced(); false on timeout.
  bool wait_balanced(const std::vector<std::string>& live, int partitions,
                     std::chrono::milliseconds timeout) const;

  static std::vector<std::string> test_defaults();

private:
  std::string db_;
  std::vector<std::string> common_;
  std::map<std::string, std::unique_ptr<courierd_process>> nodes_;
};

} // namespace courier::test
