// /v1/hooks: create, list, get, update (options too), pause, resume, delete,
// rotate-secret, replay from a seq. Every change
// goes through the courier.* SQL functions (runtime/sql/003_admin.sql); the hooks
// trigger NOTIFYs the owning node, which reloads the hook at once.
#include "runtime/admin/handlers.hpp"
#include "runtime/admin/hook_store.hpp"
#include "runtime/admin/requests.hpp"
#include "runtime/pg_array.hpp"

#include <nlohmann/json.hpp>

namespace courier::admin {

namespace {

// The hook after a change, as the answer.
net::admin_response hook_answer(pqxx::work& tx, std::int64_t id, int status = 200) {
  auto doc = read_hook(tx, id);
  if (!doc)
    throw problem_error{not_found("no hook " + std::to_string(id))};
  return json_response(status, *doc);
}

// POST /v1/hooks/{id}/<verb> with an empty body: run `sql` ($1 = the id), show the hook.
void state_change(api_service& svc, const api_call& call, net::admin_responder respond,
                  const char* sql) {
  answer_request(svc, parse_empty_body(call.body), std::move(respond),
                 [id_text = call.params.at(0), sql](const empty_request&, pqxx::work& tx) {
                   auto id = hook_id_param(id_text);
                   tx.exec_params(sql, id);
                   return hook_answer(tx, id);
                 });
}

// Sets the hook's options one by one through courier.configure_hook, so that a refused
// one is named in the problem: options.<name> (422). The request's transaction makes
// them all or nothing.
void configure_options(pqxx::work& tx, std::int64_t id, const hook_option_values& options) {
  for (const auto& [name, value] : options) {
    try {
      tx.exec_params("SELECT courier.configure_hook($1, jsonb_build_object($2::text, $3::jsonb))",
                     id, name, value);
    } catch (const pqxx::sql_error& e) {
      const std::string& state = e.sqlstate();
      if (state.rfind("22", 0) == 0 || state == "0A000")
        throw problem_error{invalid_value("options." + name, db_message(e))};
      throw;
    }
  }
}

} // namespace

void list_hooks(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_hook_list_query(call.query), std::move(respond),
                 [](const hook_list_query& q, pqxx::work& tx) {
                   return json_response(200, list_hooks_page(tx, q));
                 });
}

void create_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_create_hook(call.body), std::move(respond),
                 [allow_private = svc.options().allow_private_targets](const create_hook_request& r,
                                                                       pqxx::work& tx) {
                   check_hook_fields(tx, {&r.url, &r.secret, &r.event_types}, allow_private);
                   auto id = tx.exec_params("SELECT courier.create_hook($1, $2, $3::text[])", r.url,
                                            r.secret, text_array_literal(r.event_types))[0][0]
                                 .as<std::int64_t>();
                   configure_options(tx, id, r.options);
                   auto answer = hook_answer(tx, id, 201);
                   answer.headers.emplace_back("location", "/v1/hooks/" + std::to_string(id));
                   return answer;
                 });
}

void get_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  svc.answer([id_text = call.params.at(0)](
                 pqxx::work& tx) { return hook_answer(tx, hook_id_param(id_text)); },
             std::move(respond));
}

void update_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(
      svc, parse_update_hook(call.body), std::move(respond),
      [id_text = call.params.at(0), allow_private = svc.options().allow_private_targets](
          const update_hook_request& r, pqxx::work& tx) {
        auto id = hook_id_param(id_text);
        check_hook_fields(
            tx, {r.url ? &*r.url : nullptr, nullptr, r.event_types ? &*r.event_types : nullptr},
            allow_private);
        const std::string types = r.event_types ? text_array_literal(*r.event_types) : "";
        if (r.url || r.event_types)
          tx.exec_params("SELECT courier.update_hook($1, $2, $3::text[])", id,
                         r.url ? r.url->c_str() : nullptr, r.event_types ? types.c_str() : nullptr);
        else
          require_hook(tx, id);
        configure_options(tx, id, r.options);
        return hook_answer(tx, id);
      });
}

void delete_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_empty_body(call.body), std::move(respond),
                 [id_text = call.params.at(0)](const empty_request&, pqxx::work& tx) {
                   tx.exec_params("SELECT courier.delete_hook($1)", hook_id_param(id_text));
                   return net::admin_response{204, "application/json", "", {}};
                 });
}

void pause_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  state_change(svc, call, std::move(respond), "SELECT courier.pause_hook($1)");
}

void resume_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  state_change(svc, call, std::move(respond), "SELECT courier.resume_hook($1)");
}

void rotate_secret(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(
      svc, parse_rotate_secret(call.body), std::move(respond),
      [id_text = call.params.at(0)](const rotate_secret_request& r, pqxx::work& tx) {
        auto id = hook_id_param(id_text);
        check_hook_fields(tx, {nullptr, &r.secret, nullptr}, true);
        tx.exec_params(
            "SELECT courier.rotate_secret($1, $2, $3::bigint * interval '1 millisecond')", id,
            r.secret, static_cast<long long>(r.overlap.count()));
        return hook_answer(tx, id);
      });
}

} // namespace courier::admin

namespace courier::admin {

void rewind_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  answer_request(svc, parse_rewind_hook(call.body), std::move(respond),
                 [id_text = call.params.at(0)](const rewind_hook_request& r, pqxx::work& tx) {
                   auto id = hook_id_param(id_text);
                   auto rewind =
                       tx.exec_params("SELECT courier.request_rewind($1, $2)", id, r.from_seq)[0][0]
                           .as<std::int64_t>();
                   return json_response(202, nlohmann::json{{"hook_id", id},
                                                            {"from_seq", r.from_seq},
                                                            {"rewind_id", rewind},
                                                            {"state", "pending"}}
                                                 .dump());
                 });
}

} // namespace courier::admin
