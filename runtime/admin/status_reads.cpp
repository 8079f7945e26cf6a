#include "runtime/admin/status_reads.hpp"

#include <pqxx/pqxx>

#include <map>

namespace courier::admin {

namespace {

std::string text(const pqxx::field& f) {
  return f.is_null() ? std::string{} : f.as<std::string>();
}

void read_totals(pqxx::transaction_base& tx, status_snapshot& s) {
  // cursors has one narrow row per hook: counting it is cheaper than counting hooks.
  auto r = tx.exec(R"(
    SELECT courier.rfc3339(now()),
           coalesce((SELECT partitions FROM courier.settings), 0),
           (SELECT count(DISTINCT partition) FROM courier.lease_locks)::int,
           (SELECT count(*) FROM courier.cursors))")[0];
  s.read_at = text(r[0]);
  s.partitions = r[1].as<int>();
  s.partitions_leased = r[2].as<int>();
  s.hooks = r[3].as<std::int64_t>();
}

void read_nodes(pqxx::transaction_base& tx, status_snapshot& s) {
  // The same states as GET /v1/cluster (runtime/cluster_status.cpp).
  for (const auto& r : tx.exec(R"(
         SELECT n.node_id, n.partitions_held, courier.rfc3339(n.last_heartbeat),
                round(extract(epoch FROM now() - n.last_heartbeat)::numeric, 1)::float8,
                CASE WHEN NOT n.connected THEN 'dead'
                     WHEN n.stopping THEN 'stopping'
                     WHEN n.last_heartbeat < now() - interval '10 seconds' THEN 'stale'
                     ELSE 'live' END
           FROM courier.cluster_nodes n ORDER BY n.node_id LIMIT 200)"))
    s.nodes.push_back({text(r[0]), r[1].as<int>(), text(r[2]), r[3].as<double>(), text(r[4])});
}

void read_lagging(pqxx::transaction_base& tx, status_snapshot& s) {
  // Owners once (one scan of pg_locks), not once per row as the hook_status view does.
  std::map<int, std::string> owner;
  for (const auto& r : tx.exec("SELECT k.partition, n.node_id FROM courier.lease_locks k "
                               "JOIN courier.nodes n ON n.lease_pid = k.pid"))
    owner.emplace(r[0].as<int>(), text(r[1]));
  for (const auto& r : tx.exec_params(R"(
         WITH top AS (
           SELECT c.hook_id, s.next_seq - 1 - c.delivered_seq AS backlog, c.delivered_seq,
                  c.quarantined_until
             FROM courier.cursors c JOIN courier.streams s ON s.hook_id = c.hook_id
            WHERE s.next_seq - 1 > c.delivered_seq
            ORDER BY backlog DESC, c.hook_id LIMIT $1)
         SELECT t.hook_id, h.url,
                CASE WHEN h.state = 'active' AND t.quarantined_until > now() THEN 'quarantined'
                     ELSE h.state END,
                t.backlog,
                coalesce((SELECT extract(epoch FROM now() - e.emitted_at)
                            FROM courier.outbox o JOIN courier.events e ON e.id = o.event_id
                           WHERE o.hook_id = t.hook_id AND o.seq = t.delivered_seq + 1
                           LIMIT 1), 0)::float8,
                h.partition
           FROM top t JOIN courier.hooks h ON h.id = t.hook_id
          ORDER BY t.backlog DESC, t.hook_id)",
                                      status_list_limit)) {
    auto found = owner.find(r[5].as<int>());
    s.lagging.push_back({r[0].as<std::int64_t>(), text(r[1]), text(r[2]), r[3].as<std::int64_t>(),
                         r[4].as<double>(), found == owner.end() ? std::string{} : found->second});
  }
}

// Paused, disabled and quarantined hooks: their counts and the most recent of them, from
// one pass over hooks (not active) and one over cursors (quarantined).
void read_held(pqxx::transaction_base& tx, status_snapshot& s) {
  for (const auto& r : tx.exec_params(R"(
         WITH inactive AS MATERIALIZED (
           SELECT h.id, h.url, h.state,
                  coalesce(h.paused_reason, h.disabled_reason, '') AS reason, h.updated_at
             FROM courier.hooks h WHERE h.state <> 'active'),
         quarantined AS MATERIALIZED (
           SELECT h.id, h.url, 'quarantined' AS state, coalesce(c.last_error, '') AS reason,
                  c.quarantined_until AS updated_at
             FROM courier.cursors c JOIN courier.hooks h ON h.id = c.hook_id
            WHERE c.quarantined_until > now() AND h.state = 'active'),
         listed AS (
           (SELECT * FROM inactive ORDER BY updated_at DESC, id LIMIT $1)
           UNION ALL
           (SELECT * FROM quarantined ORDER BY updated_at DESC, id LIMIT $1))
         SELECT (SELECT count(*) FILTER (WHERE state = 'paused') FROM inactive),
                (SELECT count(*) FILTER (WHERE state = 'disabled') FROM inactive),
                (SELECT count(*) FROM quarantined),
                l.id, l.url, l.state, l.reason, courier.rfc3339(l.updated_at)
           FROM (SELECT 1) one
           LEFT JOIN LATERAL (SELECT * FROM listed ORDER BY updated_at DESC, id LIMIT $1) l ON true
          ORDER BY l.updated_at DESC NULLS LAST, l.id)",
                                      status_list_limit)) {
    s.paused = r[0].as<std::int64_t>();
    s.disabled = r[1].as<std::int64_t>();
    s.quarantined = r[2].as<std::int64_t>();
    if (!r[3].is_null())
      s.held.push_back({r[3].as<std::int64_t>(), text(r[4]), text(r[5]), text(r[6]), text(r[7])});
  }
}

void read_dead_letters(pqxx::transaction_base& tx, status_snapshot& s) {
  // Bounded: the newest parked rows up to the cap (primary key order), grouped.
  auto rows = tx.exec_params(R"(
    WITH recent AS (
      SELECT d.hook_id FROM courier.dead_letters d WHERE d.replayed_at IS NULL
       ORDER BY d.id DESC LIMIT $1),
    by_hook AS (SELECT hook_id, count(*) AS parked FROM recent GROUP BY hook_id)
    SELECT (SELECT count(*) FROM recent), b.hook_id, h.url, b.parked
      FROM (SELECT 1) one
      LEFT JOIN LATERAL (SELECT * FROM by_hook ORDER BY parked DESC, hook_id LIMIT $2) b ON true
      LEFT JOIN courier.hooks h ON h.id = b.hook_id
     ORDER BY b.parked DESC NULLS LAST, b.hook_id)",
                             dead_letter_count_cap + 1, status_list_limit);
  for (const auto& r : rows) {
    s.dead_parked = r[0].as<std::int64_t>();
    if (!r[1].is_null())
      s.dead_by_hook.push_back({r[1].as<std::int64_t>(), text(r[2]), r[3].as<std::int64_t>()});
  }
  s.dead_parked_capped = s.dead_parked > dead_letter_count_cap;
  if (s.dead_parked_capped)
    s.dead_parked = dead_letter_count_cap;
}

} // namespace

std::vector<status_failure> read_recent_failures(pqxx::transaction_base& tx, int limit) {
  // The newest failed attempts (index attempts_failed: no walk past delivered ones).
  std::vector<status_failure> out;
  for (const auto& r : tx.exec_params(R"(
         SELECT a.hook_id, coalesce(h.url, ''),
                CASE WHEN a.http_status IS NULL THEN a.outcome
                     ELSE 'HTTP ' || a.http_status END ||
                  CASE WHEN a.response_excerpt = '' THEN '' ELSE ': ' || a.response_excerpt END,
                courier.rfc3339(a.started_at), a.seq, a.attempt
           FROM (SELECT * FROM courier.attempts WHERE outcome <> 'delivered'
                  ORDER BY id DESC LIMIT $1) a
           LEFT JOIN courier.hooks h ON h.id = a.hook_id
          ORDER BY a.id DESC)",
                                      limit))
    out.push_back({r[0].as<std::int64_t>(), text(r[1]), text(r[2]), text(r[3]),
                   r[4].as<std::int64_t>(), r[5].as<int>()});
  return out;
}

status_snapshot read_status_snapshot(pqxx::transaction_base& tx, std::string answered_by) {
  status_snapshot s;
  s.answered_by = std::move(answered_by);
  read_totals(tx, s);
  read_nodes(tx, s);
  read_lagging(tx, s);
  read_held(tx, s);
  read_dead_letters(tx, s);
  s.failures = read_recent_failures(tx, status_list_limit);
  return s;
}

} // namespace courier::admin
