// GET /v1/deliveries: the attempt log (courier.attempts, written by the nodes' attempt
// loggers), newest first, paged by id (?before=), every filter narrowing.
#include "runtime/admin/handlers.hpp"
#include "runtime/admin/hook_store.hpp"
#include "runtime/admin/paging.hpp"

namespace courier::admin {

namespace {

// A nullable statement parameter: libpqxx 6 sends a null char pointer as SQL NULL.
struct nullable_text {
  std::optional<std::string> text;
  const char* get() const { return text ? text->c_str() : nullptr; }
};

nullable_text param(const std::optional<std::int64_t>& v) {
  return {v ? std::optional<std::string>{std::to_string(*v)} : std::nullopt};
}

nullable_text param(const std::optional<std::string>& v) {
  return {v};
}

} // namespace

void list_deliveries(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_delivery_list_query(call.query), std::move(respond),
                 [](const delivery_list_query& q, pqxx::work& tx) {
                   if (q.hook_id)
                     require_hook(tx, *q.hook_id);
                   auto hook = param(q.hook_id), seq = param(q.seq), from = param(q.from_seq),
                        to = param(q.to_seq), outcome = param(q.outcome), since = param(q.since),
                        until = param(q.until);
                   auto rows = tx.exec_params(
                       R"(SELECT json_build_object(
                 'id', a.id, 'hook_id', a.hook_id, 'seq', a.seq, 'event_id', a.event_id,
                 'webhook_id', 'msg_' || a.event_id || '_' || a.hook_id, 'attempt', a.attempt,
                 'status', a.http_status, 'outcome', a.outcome, 'duration_ms', a.duration_ms,
                 'node_id', a.node_id, 'epoch', a.epoch,
                 'started_at', courier.rfc3339(a.started_at),
                 'response_excerpt', a.response_excerpt)::text,
               a.id
             FROM courier.attempts a
            WHERE ($1::bigint IS NULL OR a.hook_id = $1)
              AND ($2::bigint IS NULL OR a.seq = $2)
              AND ($3::bigint IS NULL OR a.seq >= $3)
              AND ($4::bigint IS NULL OR a.seq <= $4)
              AND ($5::text IS NULL OR a.outcome = $5)
              AND ($6::timestamptz IS NULL OR a.started_at >= $6)
              AND ($7::timestamptz IS NULL OR a.started_at < $7)
              AND ($8::bigint = 0 OR a.id < $8)
            ORDER BY a.id DESC LIMIT $9)",
                       hook.get(), seq.get(), from.get(), to.get(), outcome.get(), since.get(),
                       until.get(), q.before, q.limit + 1);
                   return json_response(200, page_json(rows, q.limit, "next_before"));
                 });
}

} // namespace courier::admin
