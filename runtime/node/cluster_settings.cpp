#include "runtime/node/cluster_settings.hpp"

#include "net/log.hpp"
#include "runtime/migrator.hpp"
#include "runtime/pg_pool.hpp"

#include <pqxx/pqxx>

#include <chrono>
#include <thread>

namespace courier {

void check_cluster_settings(const std::string& db, int partitions, int wait_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{wait_seconds};
  // A server that accepts but never answers would otherwise hold each attempt forever.
  const auto conninfo = with_conn_options(db, {{"connect_timeout", "5"}});
  for (int attempt = 1;; ++attempt) {
    try {
      auto version = installed_schema_version(conninfo);
      pqxx::connection conn{conninfo};
      pqxx::nontransaction tx{conn};
      if (version < latest_schema_version())
        throw startup_error{1, "database schema is at version " + std::to_string(version) +
                                   ", this node needs " + std::to_string(latest_schema_version()) +
                                   ": run 'courierctl migrate --db URL' first"};
      tx.exec_params("INSERT INTO courier.settings (partitions) VALUES ($1) ON CONFLICT DO NOTHING",
                     partitions);
      auto cluster = tx.exec("SELECT partitions FROM courier.settings")[0][0].as<int>();
      if (cluster != partitions)
        throw startup_error{2, "config key 'partitions': the cluster uses " +
                                   std::to_string(cluster) +
                                   " partitions, this node is configured with " +
                                   std::to_string(partitions) + " (every node must agree)"};
      return;
    } catch (const startup_error&) {
      throw;
    } catch (const pqxx::broken_connection& e) {
      if (std::chrono::steady_clock::now() >= deadline)
        throw startup_error{1, std::string{"cannot connect to the database: "} + e.what()};
      if (attempt == 1)
        net::logger("node")->warn("database not reachable yet ({}); retrying", e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds{500});
    } catch (const std::exception& e) {
      throw startup_error{1, std::string{"checking the database: "} + e.what()};
    }
  }
}

} // namespace courier
