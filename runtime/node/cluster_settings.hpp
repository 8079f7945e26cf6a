#pragma once
// Start-up checks a node makes before joining: the schema is installed at the version
// this binary needs, and the cluster-wide partition count matches its configuration.
#include <stdexcept>
#include <string>

namespace courier {

struct startup_error : std::runtime_error {
  int exit_code; // 2: configuration disagrees with the cluster; 1: anything else
  startup_error(int code, const std::string& what) : std::runtime_error(what), exit_code(code) {}
};

// Waits up to `wait_seconds` (plus one 5 s connect attempt) for the database to accept
// connections. Throws startup_error.
void check_cluster_settings(const std::string& db, int partitions, int wait_seconds);

} // namespace courier
