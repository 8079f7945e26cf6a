#include "runtime/admin/hook_store.hpp"

#include "net/target_check.hpp"
#include "net/url.hpp"
#include "runtime/admin/paging.hpp"
#include "runtime/pg_array.hpp"

namespace courier::admin {

namespace {

// Each hook as one JSON document (then its id), as every hook answer shows it: the hooks
// `filter` picks (a WHERE clause over h, s, c and `shown_state`, then ORDER BY and LIMIT),
// built from the base tables rather than the courier.hook_status view, so a page costs its
// rows, not the whole table: the oldest undelivered event is looked up for the rows shown
// only, and the owners come from one scan of the lease locks.
std::string hook_documents_sql(const std::string& filter,
                               const std::string& order = "ORDER BY p.id") {
  return R"(
  WITH owners AS MATERIALIZED (
    SELECT k.partition, n.node_id FROM courier.lease_locks k
      JOIN courier.nodes n ON n.lease_pid = k.pid),
  picked AS (
    SELECT h.*, s.next_seq AS stream_next, c.delivered_seq, c.head_attempts, c.last_error,
           c.last_error_at, shown_state
      FROM courier.hooks h
      JOIN courier.streams s ON s.hook_id = h.id
      JOIN courier.cursors c ON c.hook_id = h.id,
      LATERAL (SELECT CASE WHEN h.state = 'active' AND c.quarantined_until > now()
                           THEN 'quarantined' ELSE h.state END AS shown_state) st
     )" + filter +
         R"()
  SELECT json_build_object(
           'id', p.id, 'url', p.url, 'state', p.shown_state, 'event_types', p.event_types,
           'next_seq', p.delivered_seq + 1, 'backlog', p.stream_next - 1 - p.delivered_seq,
           'oldest_undelivered_s',
             (SELECT round(extract(epoch FROM now() - e.emitted_at)::numeric, 3)
                FROM courier.outbox o JOIN courier.events e ON e.id = o.event_id
               WHERE o.hook_id = p.id AND o.seq = p.delivered_seq + 1),
           'owner_node', (SELECT o.node_id FROM owners o WHERE o.partition = p.partition LIMIT 1),
           'partition', p.partition,
           'head_attempts', p.head_attempts, 'last_error', p.last_error,
           'last_error_at', courier.rfc3339(p.last_error_at),
           'disabled_reason', p.disabled_reason, 'paused_reason', p.paused_reason,
           'options', p.options,
           'created_at', courier.rfc3339(p.created_at),
           'updated_at', courier.rfc3339(p.updated_at),
           'secrets', (SELECT json_agg(json_build_object('expires_at', courier.rfc3339(x.expires_at))
                                       ORDER BY u.n)
                         FROM unnest(p.secrets) WITH ORDINALITY AS u(secret, n)
                         LEFT JOIN courier.secret_expiry x
                                ON x.hook_id = p.id AND x.secret = u.secret))::text,
         p.id
    FROM picked p )" +
         order;
}

} // namespace

void check_hook_fields(pqxx::work& tx, const hook_fields& fields, bool allow_private_targets) {
  const std::string types =
      fields.event_types != nullptr ? text_array_literal(*fields.event_types) : std::string{};
  auto row = tx.exec_params(
      R"(SELECT CASE WHEN $1::text IS NULL THEN NULL ELSE courier.url_problem($1) END,
                CASE WHEN $2::text IS NULL THEN NULL ELSE courier.secret_problem($2) END,
                CASE WHEN $3::text[] IS NULL THEN NULL ELSE courier.event_types_problem($3) END)",
      fields.url != nullptr ? fields.url->c_str() : nullptr,
      fields.secret != nullptr ? fields.secret->c_str() : nullptr,
      fields.event_types != nullptr ? types.c_str() : nullptr)[0];
  const char* names[] = {"url", "secret", "event_types"};
  for (int i = 0; i < 3; ++i)
    if (!row[i].is_null())
      throw problem_error{invalid_value(names[i], plain_message(row[i].as<std::string>()))};
  if (fields.url == nullptr || allow_private_targets)
    return;
  std::string error;
  auto target = net::parse_url(*fields.url, &error);
  if (!target) // cannot happen: url_problem and parse_url share their verdicts
    throw problem_error{invalid_value("url", error)};
  if (auto refusal = net::target_refusal(*target))
    throw problem_error{invalid_value("url", *refusal)};
}

std::optional<std::string> read_hook(pqxx::work& tx, std::int64_t id) {
  auto rows = tx.exec_params(hook_documents_sql("WHERE h.id = $1"), id);
  if (rows.empty())
    return std::nullopt;
  return compact_json(rows[0][0].as<std::string>());
}

std::string list_hooks_page(pqxx::work& tx, const hook_list_query& query) {
  // One row more than asked: whether it exists says if there is a next page.
  const char* state = query.state ? query.state->c_str() : nullptr;
  if (query.by_backlog) {
    // One page, largest backlog first; hooks with nothing to send are not lagging. The
    // ranking reads only the two narrow tables; the documents are built for the page.
    auto rows = tx.exec_params(
        hook_documents_sql(R"(WHERE h.id IN (
          SELECT c2.hook_id FROM courier.cursors c2
            JOIN courier.streams s2 ON s2.hook_id = c2.hook_id
           WHERE s2.next_seq - 1 > c2.delivered_seq
             AND ($1::text IS NULL OR $1 = (
                   SELECT CASE WHEN h2.state = 'active' AND c2.quarantined_until > now()
                               THEN 'quarantined' ELSE h2.state END
                     FROM courier.hooks h2 WHERE h2.id = c2.hook_id))
           ORDER BY s2.next_seq - 1 - c2.delivered_seq DESC, c2.hook_id LIMIT $2))",
                           "ORDER BY p.stream_next - 1 - p.delivered_seq DESC, p.id"),
        state, query.limit);
    return page_json(rows, query.limit);
  }
  auto rows = tx.exec_params(
      hook_documents_sql("WHERE h.id > $1 AND ($2::text IS NULL OR shown_state = $2) "
                         "ORDER BY h.id LIMIT $3"),
      query.after, state, query.limit + 1);
  return page_json(rows, query.limit);
}

void require_hook(pqxx::work& tx, std::int64_t id) {
  if (tx.exec_params("SELECT 1 FROM courier.hooks WHERE id = $1", id).empty())
    throw problem_error{not_found("no hook " + std::to_string(id))};
}

std::int64_t hook_id_param(const std::string& text) {
  auto id = parse_id(text);
  if (!id)
    throw problem_error{not_found("no hook '" + text + "'")};
  return *id;
}

} // namespace courier::admin
