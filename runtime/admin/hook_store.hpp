#pragma once
// Hooks as the admin API reads and checks them, inside a request's transaction.
// Blocking (SQL, DNS): pool threads only.
#include "runtime/admin/requests.hpp"
#include "runtime/admin/service.hpp"

#include <optional>
#include <string>
#include <vector>

namespace courier::admin {

struct hook_fields {
  const std::string* url = nullptr; // null: not being set
  const std::string* secret = nullptr;
  const std::vector<std::string>* event_types = nullptr;
};

// The checks a hook's new values pass before they are stored, naming the field at fault
// (a problem_error with 422): the database's own rules (courier.url_problem,
// secret_problem, event_types_problem — what courier.create_hook applies too), then the
// SSRF guard on the URL's resolved addresses when allow_private_targets is off.
void check_hook_fields(pqxx::work& tx, const hook_fields& fields, bool allow_private_targets);

// The hook as the API shows it (JSON text), or nullopt when there is none.
std::optional<std::string> read_hook(pqxx::work& tx, std::int64_t id);

// One page of hooks: {"items": [hook, ...], "next_after": id of the last one, or null
// when there are no more}; with query.by_backlog the hooks with the largest backlog
// (next_after null).
std::string list_hooks_page(pqxx::work& tx, const hook_list_query& query);

// A 404 problem_error unless hook `id` exists.
void require_hook(pqxx::work& tx, std::int64_t id);

// The hook's id from the path, or a 404 problem_error.
std::int64_t hook_id_param(const std::string& text);

} // namespace courier::admin
