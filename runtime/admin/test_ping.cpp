// POST /v1/hooks/{id}/test: one signed Standard Webhooks POST of
// {"type":"courier.test",...} to the hook's URL, outside its stream (no courier-seq, the
// cursor does not move), through the node's own HTTP client — its timeout, TLS settings
// and SSRF guard. Answers with the status, latency and an excerpt of the response.
#include "net/signer.hpp"
#include "runtime/admin/handlers.hpp"
#include "runtime/admin/hook_store.hpp"
#include "runtime/pg_array.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <ctime>

namespace courier::admin {

namespace {

struct ping_target {
  std::int64_t id = 0;
  std::string url;
  std::vector<std::string> secrets;
};

std::string rfc3339(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(unix_ms % 1000));
  return std::string{text} + millis;
}

void send_ping(const service_options& opts, const ping_target& hook, net::admin_responder respond) {
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string body =
      nlohmann::json{{"type", "courier.test"},
                     {"timestamp", rfc3339(now_ms)},
                     {"data", {{"hook_id", hook.id}, {"node_id", opts.node_id}}}}
          .dump();
  const std::string msg_id = "msg_test_" + std::to_string(hook.id) + "_" + std::to_string(now_ms);
  const std::int64_t timestamp = now_ms / 1000;
  net::http_request req;
  req.url = hook.url;
  req.body = body;
  req.timeout = opts.http_timeout;
  req.headers = {
      {"content-type", "application/json"},
      {"webhook-id", msg_id},
      {"webhook-timestamp", std::to_string(timestamp)},
      {"webhook-signature", net::signature_header(hook.secrets, msg_id, timestamp, body)},
      {"user-agent", opts.user_agent}};
  // Outside the stream, so no lease fence: any node may ping any hook.
  req.may_send = [] {
    return true;
  };
  const auto started = std::chrono::steady_clock::now();
  opts.http->send(std::move(req), [hook, msg_id, started, respond](net::http_result r) {
    const double latency_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    using json = nlohmann::ordered_json;
    const bool answered = r.failure == net::http_failure::none;
    json doc{{"hook_id", hook.id},
             {"url", hook.url},
             {"webhook_id", msg_id},
             {"ok", answered && r.status >= 200 && r.status < 300},
             {"status", answered ? json(r.status) : json()},
             {"latency_ms", std::round(latency_ms * 10) / 10},
             {"response_excerpt", answered ? json(r.body_excerpt) : json()},
             {"error",
              answered ? json() : json(std::string{net::to_string(r.failure)} + ": " + r.error)}};
    respond(json_response(200, doc.dump(-1, ' ', false, json::error_handler_t::replace)));
  });
}

} // namespace

void test_hook(api_service& svc, const api_call& call, net::admin_responder respond) {
  if (auto bad = parse_empty_body(call.body); std::holds_alternative<problem>(bad))
    return respond(to_response(std::get<problem>(bad)));
  svc.query<ping_target>(
      [id_text = call.params.at(0)](pqxx::work& tx) {
        ping_target hook;
        hook.id = hook_id_param(id_text);
        auto rows = tx.exec_params("SELECT url, secrets FROM courier.hooks WHERE id = $1", hook.id);
        if (rows.empty())
          throw problem_error{not_found("no hook " + std::to_string(hook.id))};
        hook.url = rows[0][0].as<std::string>();
        hook.secrets = parse_text_array(rows[0][1].as<std::string>());
        return hook;
      },
      [opts = svc.options(), respond](ping_target hook) { send_ping(opts, hook, respond); },
      respond);
}

} // namespace courier::admin
