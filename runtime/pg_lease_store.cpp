#include "runtime/pg_lease_store.hpp"

#include "runtime/pg_array.hpp"
#include "runtime/pg_pool.hpp"

#include <pqxx/pqxx>

#include <algorithm>

namespace courier {

namespace {

long secs_ceil(std::chrono::milliseconds ms) {
  return static_cast<long>((ms.count() + 999) / 1000);
}

} // namespace

pg_lease_store::pg_lease_store(lease_store_options opts) : opts_(std::move(opts)) {}

pg_lease_store::~pg_lease_store() = default;

template <class F>
auto pg_lease_store::on_session(const char* what, F&& f) ->
    typename as_result<decltype(f())>::type {
  if (!conn_ || !conn_->is_open()) {
    conn_.reset();
    return error{errc::retryable, std::string{what} + ": lease connection is not open"};
  }
  auto r = guarded(std::forward<F>(f));
  if (!r.ok()) {
    conn_.reset();
    return with_context(r.error(), what);
  }
  return r;
}

result<void> pg_lease_store::open() {
  conn_.reset();
  auto expiry_ms = opts_.self_expiry.count();
  // Client side: blocked calls fail within about the self-expiry.
  auto conninfo = with_conn_options(
      opts_.conninfo,
      {{"application_name", "courier-lease/" + opts_.node_id},
       {"connect_timeout", std::to_string(std::max<long>(2, secs_ceil(opts_.self_expiry)))},
       {"keepalives", "1"},
       {"keepalives_idle", "1"},
       {"keepalives_interval", "1"},
       {"keepalives_count", "3"},
       {"tcp_user_timeout", std::to_string(expiry_ms / 2)}});
  auto opened = guarded([&] {
    conn_ = std::make_unique<pqxx::connection>(conninfo);
    pqxx::nontransaction tx{*conn_};
    // Server side: the server drops this session (and its locks) only well after the
    // node has stopped itself: idle + interval*count and user timeout > self-expiry.
    auto server_idle = secs_ceil(opts_.self_expiry);
    tx.exec("SET tcp_keepalives_idle = " + std::to_string(server_idle));
    tx.exec("SET tcp_keepalives_interval = 1");
    tx.exec("SET tcp_keepalives_count = 3");
    tx.exec("SET tcp_user_timeout = " + std::to_string(expiry_ms + 3000));
    tx.exec("SET statement_timeout = " + std::to_string(std::max<long long>(500, expiry_ms / 2)));
    tx.exec("SET idle_in_transaction_session_timeout = 0");
    tx.exec_params(
        R"(INSERT INTO courier.nodes (node_id, lease_pid, version)
         VALUES ($1, pg_backend_pid(), $2)
         ON CONFLICT (node_id) DO UPDATE
           SET lease_pid = pg_backend_pid(), heartbeat_at = now(), started_at = now(),
               stopping = false, version = excluded.version)",
        opts_.node_id, opts_.version);
  });
  if (!opened.ok()) {
    conn_.reset();
    return with_context(opened.error(), "opening the lease connection");
  }
  return {};
}

bool pg_lease_store::is_open() const {
  return conn_ && conn_->is_open();
}

void pg_lease_store::close() {
  conn_.reset();
}

result<cluster_view> pg_lease_store::heartbeat(std::chrono::milliseconds live_within,
                                               std::chrono::milliseconds dead_after) {
  return on_session("heartbeat", [&]() -> result<cluster_view> {
    pqxx::nontransaction tx{*conn_};
    cluster_view view;
    auto beat = tx.exec_params(
        "UPDATE courier.nodes SET heartbeat_at = now(), lease_pid = pg_backend_pid() "
        "WHERE node_id = $1 RETURNING 1",
        opts_.node_id);
    if (beat.empty()) // reopening registers the node again
      return error{errc::retryable, "node row vanished (deleted by an operator?)"};
    // Sessions of nodes silent past dead_after: frozen or cut off, self-expired.
    auto killed = tx.exec_params(
        R"(SELECT count(*) FILTER (WHERE pg_terminate_backend(n.lease_pid))
           FROM courier.nodes n
          WHERE n.node_id <> $1 AND n.heartbeat_at < now() - make_interval(secs => $2 / 1000.0)
            AND n.lease_pid IS NOT NULL AND n.lease_pid <> pg_backend_pid()
            AND EXISTS (SELECT 1 FROM courier.lease_locks k WHERE k.pid = n.lease_pid))",
        opts_.node_id, static_cast<long long>(dead_after.count()));
    view.terminated_stale = killed[0][0].as<int>();
    // Registry rows of long-gone nodes are removed so they don't linger in views.
    tx.exec_params(
        R"(DELETE FROM courier.nodes n
          WHERE n.node_id <> $1 AND n.heartbeat_at < now() - make_interval(secs => $2 / 1000.0)
            AND NOT EXISTS (SELECT 1 FROM courier.lease_locks k WHERE k.pid = n.lease_pid))",
        opts_.node_id, static_cast<long long>(dead_after.count()) * 10);
    auto live = tx.exec_params(
        R"(SELECT node_id FROM courier.nodes
          WHERE node_id = $1
             OR (NOT stopping AND heartbeat_at >= now() - make_interval(secs => $2 / 1000.0)
                 -- A crashed node's session is gone at once: don't wait for its heartbeat
                 -- to age before counting it out (that would delay failover).
                 AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = lease_pid))
          ORDER BY node_id)",
        opts_.node_id, static_cast<long long>(live_within.count()));
    for (const auto& row : live)
      view.live_nodes.push_back(row[0].as<std::string>());
    auto locks = tx.exec_params(
        R"(SELECT p, k.pid = pg_backend_pid(), coalesce(l.node_id <> $2, false)
           FROM generate_series(0, $1 - 1) AS p
           LEFT JOIN courier.lease_locks k ON k.partition = p
           LEFT JOIN courier.leases l ON l.partition = p
          WHERE k.pid IS NULL OR k.pid = pg_backend_pid()
          ORDER BY p)",
        opts_.partitions, opts_.node_id);
    for (const auto& row : locks) {
      partition_id partition{row[0].as<int>()};
      if (!row[1].is_null()) {
        view.held_by_me.push_back(partition);
        continue;
      }
      view.unowned.push_back(partition);
      if (row[2].as<bool>())
        view.orphaned.push_back(partition);
    }
    return view;
  });
}

result<std::vector<lease_grant>>
pg_lease_store::acquire(const std::vector<partition_id>& candidates) {
  if (candidates.empty())
    return std::vector<lease_grant>{};
  return on_session("acquire", [&] {
    pqxx::nontransaction tx{*conn_};
    auto won = tx.exec_params(
        R"(SELECT p FROM unnest($1::int[]) AS p
          WHERE pg_try_advisory_lock(courier.lock_class(), p))",
        int_array_literal(candidates));
    std::vector<partition_id> partitions;
    for (const auto& row : won)
      partitions.push_back(partition_id{row[0].as<int>()});
    if (partitions.empty())
      return std::vector<lease_grant>{};
    // The previous holder is still named when it died holding the lease (a graceful
    // release clears it): that is a takeover, and its silence measures the failover.
    auto epochs = tx.exec_params(
        R"(WITH previous AS (
             SELECT l.partition, l.node_id,
                    (extract(epoch FROM now() - n.heartbeat_at) * 1000)::bigint AS silent_ms
               FROM courier.leases l LEFT JOIN courier.nodes n ON n.node_id = l.node_id
              WHERE l.partition = ANY($1::int[]) AND l.node_id IS NOT NULL AND l.node_id <> $2),
           granted AS (
             INSERT INTO courier.leases (partition, epoch, node_id, acquired_at)
             SELECT p, 1, $2, now() FROM unnest($1::int[]) AS p
             ON CONFLICT (partition) DO UPDATE
               SET epoch = courier.leases.epoch + 1, node_id = excluded.node_id,
                   acquired_at = now()
             RETURNING partition, epoch)
         SELECT g.partition, g.epoch, coalesce(p.node_id, ''), coalesce(p.silent_ms, -1)
           FROM granted g LEFT JOIN previous p ON p.partition = g.partition)",
        int_array_literal(partitions), opts_.node_id);
    std::vector<lease_grant> grants;
    for (const auto& row : epochs)
      grants.push_back({partition_id{row[0].as<int>()}, lease_epoch{row[1].as<std::int64_t>()},
                        row[2].as<std::string>(), row[3].as<std::int64_t>()});
    return grants;
  });
}

result<void> pg_lease_store::release(const std::vector<partition_id>& partitions) {
  if (partitions.empty())
    return {};
  return on_session("release", [&] {
    pqxx::nontransaction tx{*conn_};
    // Cleared first, while still held: the next holder sees a hand-over, not a takeover.
    tx.exec_params("UPDATE courier.leases SET node_id = NULL "
                   "WHERE partition = ANY($1::int[]) AND node_id = $2",
                   int_array_literal(partitions), opts_.node_id);
    tx.exec_params("SELECT pg_advisory_unlock(courier.lock_class(), p) FROM unnest($1::int[]) AS p",
                   int_array_literal(partitions));
  });
}

result<void> pg_lease_store::mark_stopping() {
  return on_session("mark_stopping", [&] {
    pqxx::nontransaction tx{*conn_};
    tx.exec_params("UPDATE courier.nodes SET stopping = true WHERE node_id = $1", opts_.node_id);
  });
}

result<void> pg_lease_store::deregister() {
  return on_session("deregister", [&] {
    pqxx::nontransaction tx{*conn_};
    tx.exec_params("DELETE FROM courier.nodes WHERE node_id = $1", opts_.node_id);
  });
}

} // namespace courier
