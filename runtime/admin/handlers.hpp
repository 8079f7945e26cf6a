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

// Answers with the request's problem when `parsed` holds one (null then); otherwise
// its value.
template <class T>
const T* value_or_answer(const parsed<T>& p, const net::admin_responder& respond) {
  if (const auto* bad = std::get_if<problem>(&p)) {
    respond(to_response(*bad));
    return nullptr;
  }
  return &std::get<T>(p);
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
// test_ping.cpp
void test_hook(api_service&, const api_call&, net::admin_responder);
// dead_letter_handlers.cpp
void list_dead_letters(api_service&, const api_call&, net::admin_responder);
void replay_dead_letter(api_service&, const api_call&, net::admin_responder);
void replay_dead_letters(api_service&, const api_call&, net::admin_responder);
// info_handlers.cpp
void cluster_status(api_service&, const api_call&, net::admin_responder);
void openapi_document(api_service&, const api_call&, net::admin_responder);

} // namespace courier::admin
