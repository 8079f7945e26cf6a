// /v1/dead-letters: list, and replay — one, all of a hook, or all parked since a time.
// Replay is courier.replay_dead_letters (runtime/sql/003_admin.sql): each hook's parked
// events go back to the tail of its stream in their original order and are marked
// replayed, so repeating a request delivers nothing twice.
#include "runtime/admin/handlers.hpp"
#include "runtime/admin/hook_store.hpp"
#include "runtime/admin/paging.hpp"

#include <nlohmann/json.hpp>

namespace courier::admin {

namespace {

// {"replayed": N, "left_parked": K, "dead_letter_ids": [...]}
net::admin_response replay_answer(const std::vector<std::int64_t>& ids, std::int64_t left_parked) {
  return json_response(200, nlohmann::json{{"replayed", ids.size()},
                                           {"left_parked", left_parked},
                                           {"dead_letter_ids", ids}}
                                .dump());
}

} // namespace

void list_dead_letters(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_dead_letter_list_query(call.query), std::move(respond),
                 [](const dead_letter_list_query& q, pqxx::work& tx) {
                   if (q.hook_id)
                     require_hook(tx, *q.hook_id);
                   const std::string hook = q.hook_id ? std::to_string(*q.hook_id) : "";
                   auto rows = tx.exec_params(
                       R"(SELECT json_build_object(
                 'id', d.id, 'hook_id', d.hook_id, 'seq', d.seq, 'event_id', d.event_id,
                 'event_type', d.event_type, 'attempts', d.attempts, 'last_error', d.last_error,
                 'emitted_at', courier.rfc3339(d.emitted_at),
                 'parked_at', courier.rfc3339(d.parked_at),
                 'replayed_at', courier.rfc3339(d.replayed_at),
                 'state', CASE WHEN d.replayed_at IS NULL THEN 'parked' ELSE 'replayed' END)::text,
               d.id
             FROM courier.dead_letters d
            WHERE d.id > $1 AND ($2::bigint IS NULL OR d.hook_id = $2)
              AND ($3::text IS NULL OR ($3 = 'parked') = (d.replayed_at IS NULL))
            ORDER BY d.id LIMIT $4)",
                       q.after, q.hook_id ? hook.c_str() : nullptr,
                       q.state ? q.state->c_str() : nullptr, q.limit + 1);
                   return json_response(200, page_json(rows, q.limit));
                 });
}

void replay_dead_letter(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_empty_body(call.body), std::move(respond),
                 [id_text = call.params.at(0)](const empty_request&, pqxx::work& tx) {
                   auto id = parse_id(id_text);
                   if (!id)
                     throw problem_error{not_found("no dead letter '" + id_text + "'")};
                   // Says why when it cannot (404 none, 409 replayed already or hook
                   // disabled).
                   tx.exec_params("SELECT courier.replay_dead_letter($1)", *id);
                   return replay_answer({*id}, 0);
                 });
}

void replay_dead_letters(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(
      svc, parse_replay(call.body), std::move(respond),
      [](const replay_request& r, pqxx::work& tx) {
        if (r.hook_id)
          require_hook(tx, *r.hook_id);
        const std::string hook = r.hook_id ? std::to_string(*r.hook_id) : "";
        const char* hook_param = r.hook_id ? hook.c_str() : nullptr;
        const char* since_param = r.since ? r.since->c_str() : nullptr;
        try {
          tx.exec_params("SELECT $1::timestamptz", since_param);
        } catch (const pqxx::data_exception& e) {
          throw problem_error{invalid_value("since", "since: " + db_message(e))};
        }
        auto replayed = tx.exec_params(
            "SELECT dead_letter_id FROM courier.replay_dead_letters(NULL, $1, $2::timestamptz)",
            hook_param, since_param);
        // What the filters name but stays parked: letters of disabled hooks.
        auto left = tx.exec_params(R"(SELECT count(*) FROM courier.dead_letters d
                                       WHERE d.replayed_at IS NULL
                                         AND ($1::bigint IS NULL OR d.hook_id = $1)
                                         AND ($2::timestamptz IS NULL OR d.parked_at >= $2))",
                                   hook_param, since_param)[0][0]
                        .as<std::int64_t>();
        std::vector<std::int64_t> ids;
        for (const auto& row : replayed)
          ids.push_back(row[0].as<std::int64_t>());
        return replay_answer(ids, left);
      });
}

} // namespace courier::admin
