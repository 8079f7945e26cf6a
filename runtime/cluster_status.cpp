#include "runtime/cluster_status.hpp"

#include <pqxx/pqxx>

namespace courier {

nlohmann::json read_cluster_status(pqxx::transaction_base& tx) {
  auto rows = tx.exec(R"(
    SELECT n.node_id, n.partitions_held,
           to_char(n.last_heartbeat AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           round(extract(epoch FROM now() - n.last_heartbeat)::numeric, 1)::float8,
           CASE WHEN NOT n.connected THEN 'dead'
                WHEN n.stopping THEN 'stopping'
                WHEN n.last_heartbeat < now() - interval '10 seconds' THEN 'stale'
                ELSE 'live' END,
           (SELECT count(*) FROM courier.hook_status h WHERE h.owner_node = n.node_id)::int,
           (SELECT coalesce(sum(h.backlog), 0) FROM courier.hook_status h
             WHERE h.owner_node = n.node_id)::bigint,
           (SELECT coalesce(extract(epoch FROM max(h.oldest_undelivered_age)), 0)
              FROM courier.hook_status h WHERE h.owner_node = n.node_id)::float8
      FROM courier.cluster_nodes n ORDER BY n.node_id)");
  auto totals = tx.exec(R"(
    SELECT (SELECT partitions FROM courier.settings),
           (SELECT count(DISTINCT partition) FROM courier.lease_locks)::int,
           (SELECT count(*) FROM courier.hooks)::int,
           (SELECT count(*) FROM courier.hook_status WHERE owner_node IS NULL
                                                     AND state = 'active')::int)")[0];
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& r : rows)
    nodes.push_back({{"node_id", r[0].as<std::string>()},
                     {"partitions_held", r[1].as<int>()},
                     {"last_heartbeat", r[2].as<std::string>()},
                     {"heartbeat_age_s", r[3].as<double>()},
                     {"state", r[4].as<std::string>()},
                     {"hooks_owned", r[5].as<int>()},
                     {"backlog", r[6].as<long long>()},
                     {"oldest_undelivered_s", r[7].as<double>()}});
  return {{"partitions", totals[0].is_null() ? 0 : totals[0].as<int>()},
          {"partitions_leased", totals[1].as<int>()},
          {"hooks", totals[2].as<int>()},
          {"active_hooks_unowned", totals[3].as<int>()},
          {"nodes", nodes}};
}

} // namespace courier
