#pragma once
// Applies the embedded schema migrations (runtime/sql) in version order. Safe to run
// from several processes at once: one transaction under a cluster-wide advisory lock.
#include <string>

namespace courier {

struct migrate_report {
  int from_version = 0;
  int to_version = 0;
};

// Throws std::runtime_error with context on failure.
migrate_report migrate(const std::string& conninfo);

// The latest migration version this binary knows.
int latest_schema_version();

// The schema version of the database (0 when courier is not installed). Throws on
// connection errors.
int installed_schema_version(const std::string& conninfo);

} // namespace courier
