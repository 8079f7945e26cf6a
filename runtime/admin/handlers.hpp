#pragma once
// The admin API's request handlers, one per route (routes.cpp lists them). Each runs on
// the admin server's thread: it reads its request (requests.hpp), answers a bad one at
// once, and hands the rest to api_service::query, which answers from a pool thread.
#include "net/admin_server.hpp"
#include "runtime/admin/requests.hpp"
#include "runtime/admin/service.hpp"

#include <string>
#include <vector>

namespace courier::admin {

struct api_call {
  std::vector<std::string> params; // the path's {placeholders}, in order
  std::string query;               // after '?', still percent-encoded
  std::string body;
};

// The usual handler: a request that was read badly is answered at once; a good one goes
// to job(request, tx) on a pool thread, whose response is the answer.
template <class T, class Job>
void answer_request(api_service& svc, parsed<T> request, net::admin_responder respond, Job job) {
  if (const auto* bad = std::get_if<problem>(&request))
    return respond(to_response(*bad));
  svc.answer([r = std::get<T>(std::move(request)),
              job = std::move(job)](pqxx::work& tx) { return job(r, tx); },
             std::move(respond));
}

using route_handler = void (*)(api_service&, const api_call&, net::admin_responder);

// hook_handlers.cpp
void list_hooks(api_service&, const api_call&, net::admin_responder);
void create_hook(api_service&, const api_call&, net::admin_responder);
void get_hook(api_service&, const api_call&, net::admin_responder);
void update_hook(api_service&, const api_call&, net::admin_responder);
void delete_hook(api_service&, const api_call&, net::admin_responder);
void pause_hook(api_service&, const api_call&, net::admin_responder);
void resume_hook(api_service&, const api_call&, net::admin_responder);
void rotate_secret(api_service&, const api_call&, net::admin_responder);
void rewind_hook(api_service&, const api_call&, net::admin_responder);
// test_ping.cpp
void test_hook(api_service&, const api_call&, net::admin_responder);
// dead_letter_handlers.cpp
void list_dead_letters(api_service&, const api_call&, net::admin_responder);
void replay_dead_letter(api_service&, const api_call&, net::admin_responder);
void replay_dead_letters(api_service&, const api_call&, net::admin_responder);
// delivery_handlers.cpp
void list_deliveries(api_service&, const api_call&, net::admin_responder);
// info_handlers.cpp
void cluster_status(api_service&, const api_call&, net::admin_responder);
void openapi_document(api_service&, const api_call&, net::admin_responder);
// status_handler.cpp: GET /, the HTML status page
void status_page(api_service&, const api_call&, net::admin_responder);

} // namespace courier::admin
