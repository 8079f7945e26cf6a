#include "runtime/migrator.hpp"

#include "runtime/schema_migrations.hpp"

#include <pqxx/pqxx>

#include <stdexcept>

namespace courier {

namespace {

// pg_advisory_xact_lock key for migrations; distinct from partition lease keys.
constexpr long long migrate_lock_key = 0x436f757269657201LL;

int current_version(pqxx::transaction_base& tx) {
  auto exists = tx.exec("SELECT to_regclass('courier.schema_migrations') IS NOT NULL");
  if (!exists[0][0].as<bool>())
    return 0;
  auto row = tx.exec("SELECT coalesce(max(version), 0) FROM courier.schema_migrations");
  return row[0][0].as<int>();
}

} // namespace

int latest_schema_version() {
  const auto& all = schema::migrations();
  return all.empty() ? 0 : all.back().version;
}

int installed_schema_version(const std::string& conninfo) {
  pqxx::connection conn{conninfo};
  pqxx::read_transaction tx{conn};
  return current_version(tx);
}

migrate_report migrate(const std::string& conninfo) {
  pqxx::connection conn{conninfo};
  pqxx::work tx{conn};
  tx.exec("SET LOCAL client_min_messages = warning");
  tx.exec_params("SELECT pg_advisory_xact_lock($1)", migrate_lock_key);
  tx.exec("CREATE SCHEMA IF NOT EXISTS courier");
  tx.exec(R"(CREATE TABLE IF NOT EXISTS courier.schema_migrations (
               version int PRIMARY KEY,
               name text NOT NULL,
               applied_at timestamptz NOT NULL DEFAULT now()))");
  migrate_report report;
  report.from_version = current_version(tx);
  report.to_version = report.from_version;
  for (const auto& m : schema::migrations()) {
    if (m.version <= report.from_version)
      continue;
    try {
      tx.exec(m.sql);
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error("migration " + m.name + " failed: " + e.what());
    }
    tx.exec_params("INSERT INTO courier.schema_migrations (version, name) VALUES ($1, $2)",
                   m.version, m.name);
    report.to_version = m.version;
  }
  tx.commit();
  return report;
}

} // namespace courier
