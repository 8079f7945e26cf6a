#include "runtime/admin/hook_store.hpp"

#include "net/target_check.hpp"
#include "net/url.hpp"
#include "runtime/admin/paging.hpp"
#include "runtime/pg_array.hpp"

namespace courier::admin {

namespace {

// Each hook as one JSON document (then its id), as every hook answer shows it.
constexpr const char* hook_document_sql = R"(
  SELECT json_build_object(
           'id', h.id, 'url', h.url, 'state', s.state, 'event_types', h.event_types,
           'next_seq', s.next_seq, 'backlog', s.backlog,
           'oldest_undelivered_s', round(extract(epoch FROM s.oldest_undelivered_age)::numeric, 3),
           'owner_node', s.owner_node, 'partition', h.partition,
           'head_attempts', s.head_attempts, 'last_error', s.last_error,
           'last_error_at', courier.rfc3339(s.last_error_at),
           'disabled_reason', h.disabled_reason, 'paused_reason', h.paused_reason,
           'options', h.options,
           'created_at', courier.rfc3339(h.created_at),
           'updated_at', courier.rfc3339(h.updated_at),
           'secrets', (SELECT json_agg(json_build_object('expires_at', courier.rfc3339(x.expires_at))
                                       ORDER BY u.n)
                         FROM unnest(h.secrets) WITH ORDINALITY AS u(secret, n)
                         LEFT JOIN courier.secret_expiry x
                                ON x.hook_id = h.id AND x.secret = u.secret))::text,
         h.id
    FROM courier.hooks h JOIN courier.hook_status s ON s.hook_id = h.id)";

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
  auto rows = tx.exec_params(std::string{hook_document_sql} + " WHERE h.id = $1", id);
  if (rows.empty())
    return std::nullopt;
  return compact_json(rows[0][0].as<std::string>());
}

std::string list_hooks_page(pqxx::work& tx, const hook_list_query& query) {
  // One row more than asked: whether it exists says if there is a next page.
  auto rows =
      tx.exec_params(std::string{hook_document_sql} + R"(
       WHERE h.id > $1 AND ($2::text IS NULL OR s.state = $2)
       ORDER BY h.id LIMIT $3)",
                     query.after, query.state ? query.state->c_str() : nullptr, query.limit + 1);
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
