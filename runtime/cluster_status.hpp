#pragma once
// The cluster as operators see it — nodes with their partitions, hooks, backlog and
// heartbeat, and the totals — read from Postgres in one transaction. Shared by the admin
// API (GET /v1/cluster) and `courierctl cluster status --db`. Blocking; caller's thread.
#include <nlohmann/json.hpp>
#include <pqxx/transaction_base>

namespace courier {

// {"partitions", "partitions_leased", "hooks", "active_hooks_unowned",
//  "nodes": [{"node_id", "partitions_held", "last_heartbeat", "heartbeat_age_s", "state",
//             "hooks_owned", "backlog", "oldest_undelivered_s"}, ...]}
nlohmann::json read_cluster_status(pqxx::transaction_base& tx);

} // namespace courier
