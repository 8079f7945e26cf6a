// hooks create|list|get|update|pause|resume|delete|rotate-secret over /v1/hooks.
#include "runtime/ctl/table.hpp"
#include "runtime/ctl/verbs.hpp"

#include <iostream>

namespace courier::ctl {

namespace {

std::string hook_path(std::int64_t id, const std::string& tail = "") {
  return "/v1/hooks/" + std::to_string(id) + tail;
}

// "a,b.*" -> ["a", "b.*"]; empty items are kept, so the server names them as invalid.
json event_types(const std::string& text) {
  json out = json::array();
  std::size_t start = 0;
  for (;;) {
    auto comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos)
      return out;
    start = comma + 1;
  }
}

// --secret S, or "-" for a line read from stdin (keeps the secret out of ps and history).
std::string secret_option(const invocation& call) {
  std::string secret = call.required("secret");
  if (secret != "-")
    return secret;
  if (!std::getline(std::cin, secret) || secret.empty())
    throw usage_error("--secret -: no secret on stdin");
  return secret;
}

// Every --option key=value, as the API's options object. A value that reads as JSON
// (5, true, null, {"x-team": "a"}, "text") is that JSON; any other is a string
// (retry_schedule=5s,30s). null unsets the option.
json options_object(const invocation& call) {
  json out = json::object();
  for (const auto& [name, value] : call.line.options) {
    if (name != "option")
      continue;
    auto eq = value.find('=');
    if (eq == std::string::npos || eq == 0)
      throw usage_error("--option takes key=value, got '" + value + "'");
    auto text = value.substr(eq + 1);
    json parsed = json::parse(text, nullptr, false);
    out[value.substr(0, eq)] = parsed.is_discarded() ? json(text) : parsed;
  }
  return out;
}

std::string secrets_summary(const json& secrets) {
  if (!secrets.is_array())
    return "-";
  std::string retiring;
  for (const auto& s : secrets)
    if (!member(s, "expires_at").is_null())
      retiring += (retiring.empty() ? "" : ", ") + cell(member(s, "expires_at"));
  std::string out = std::to_string(secrets.size()) + " signing";
  if (!retiring.empty())
    out += " (retiring at " + retiring + ")";
  return out;
}

int print_hook(const invocation& call, const json& hook) {
  if (call.line.json) {
    print_json(hook);
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> rows;
  for (const char* key :
       {"id", "url", "state", "event_types", "next_seq", "backlog", "owner_node", "partition"})
    rows.emplace_back(key, cell(member(hook, key), 2048));
  // The rest only when there is something to say (--json always has every member).
  for (const char* key : {"oldest_undelivered_s", "head_attempts", "last_error", "last_error_at",
                          "disabled_reason", "paused_reason"})
    if (const auto& value = member(hook, key); !value.is_null() && value != 0)
      rows.emplace_back(key, cell(value, 2048));
  if (const auto& options = member(hook, "options"); options.is_object())
    for (const auto& item : options.items())
      rows.emplace_back("option " + item.key(), cell(item.value(), 2048));
  for (const char* key : {"created_at", "updated_at"})
    rows.emplace_back(key, cell(member(hook, key)));
  rows.emplace_back("secrets", secrets_summary(member(hook, "secrets")));
  std::cout << key_values(rows);
  return 0;
}

int create(const invocation& call) {
  json body{{"url", call.required("url")}, {"secret", secret_option(call)}};
  if (auto types = call.option("event-types"))
    body["event_types"] = event_types(*types);
  if (auto options = options_object(call); !options.empty())
    body["options"] = std::move(options);
  return print_hook(call, call.client().post("/v1/hooks", body));
}

int list(const invocation& call) {
  std::string filter;
  if (auto state = call.option("state"))
    filter = "&state=" + query_escape(*state);
  json hooks;
  if (auto order = call.option("order"); order && *order != "id") {
    // One page: the hooks with the largest backlog.
    auto limit = call.number_option("limit").value_or(20);
    hooks = call.client().get("/v1/hooks?order=" + query_escape(*order) +
                              "&limit=" + std::to_string(limit) + filter)["items"];
  } else {
    hooks = call.client().list("/v1/hooks", filter, call.number_option("limit"));
  }
  if (call.line.json) {
    print_json(hooks);
    return 0;
  }
  table out{{"ID", "STATE", "NEXT_SEQ", "BACKLOG", "OWNER", "EVENT_TYPES", "URL"}};
  for (const auto& h : hooks)
    out.add_row({cell(member(h, "id")), cell(member(h, "state")), cell(member(h, "next_seq")),
                 cell(member(h, "backlog")), cell(member(h, "owner_node")),
                 cell(member(h, "event_types"), 60), cell(member(h, "url"), 2048)});
  std::cout << out.render();
  return 0;
}

int get(const invocation& call) {
  return print_hook(call, call.client().get(hook_path(call.id_arg("hook ID"))));
}

int update(const invocation& call) {
  const auto id = call.id_arg("hook ID");
  json body = json::object();
  if (auto url = call.option("url"))
    body["url"] = *url;
  if (auto types = call.option("event-types"))
    body["event_types"] = event_types(*types);
  if (auto options = options_object(call); !options.empty())
    body["options"] = std::move(options);
  if (body.empty())
    throw usage_error("nothing to change: give --url, --event-types or --option key=value");
  return print_hook(call, call.client().patch(hook_path(id), body));
}

int pause(const invocation& call) {
  return print_hook(call, call.client().post(hook_path(call.id_arg("hook ID"), "/pause")));
}

int resume(const invocation& call) {
  return print_hook(call, call.client().post(hook_path(call.id_arg("hook ID"), "/resume")));
}

int remove(const invocation& call) {
  const auto id = call.id_arg("hook ID");
  call.client().del(hook_path(id));
  if (call.line.json)
    print_json({{"id", id}, {"deleted", true}});
  else
    std::cout << "deleted hook " << id << "\n";
  return 0;
}

int rotate(const invocation& call) {
  const auto id = call.id_arg("hook ID");
  json body{{"secret", secret_option(call)}};
  if (auto overlap = call.option("overlap"))
    body["overlap"] = *overlap;
  return print_hook(call, call.client().post(hook_path(id, "/rotate-secret"), body));
}

} // namespace

std::vector<verb> hook_verbs() {
  return {
      {"hooks create",
       "--url URL --secret S [--event-types a,b.*] [--option key=value]...",
       "create an active hook",
       {"url", "secret", "event-types", "option"},
       0,
       create,
       "--secret whsec_<base64 of 24-64 bytes>, or - to read it from stdin.\n"
       "--event-types: exact types, * or prefixes ending in .* (default *).\n"
       "--option: the hook's own retry_schedule, max_attempts, poison_policy,\n"
       "http_timeout_ms, rate_limit, headers, pause_after, batch_max, batch_max_bytes,\n"
       "ordering or max_in_flight_per_hook (e.g. --option retry_schedule=5s,1m\n"
       "--option 'headers={\"x-team\": \"payments\"}'); unset ones take the node's value.\n"},
      {"hooks list",
       "[--state S] [--order id|backlog] [--limit N]",
       "hooks with their backlog (every page)",
       {"state", "order", "limit"},
       0,
       list,
       "--state active|paused|disabled|quarantined.\n"
       "--order backlog: the --limit (default 20) hooks with the largest backlog.\n"},
      {"hooks get",
       "ID",
       "one hook: state, stream position, backlog, owner, last error",
       {},
       1,
       get,
       ""},
      {"hooks update",
       "ID [--url U] [--event-types a,b.*] [--option key=value]...",
       "change the URL, event types or options",
       {"url", "event-types", "option"},
       1,
       update,
       "--option key=null unsets an option (the node's value applies again).\n"},
      {"hooks pause", "ID", "stop sending; events keep accumulating", {}, 1, pause, ""},
      {"hooks resume",
       "ID",
       "send again, in order, from the durable cursor",
       {},
       1,
       resume,
       "Also re-enables a hook disabled by 410 Gone.\n"},
      {"hooks delete", "ID", "delete the hook; delivery stops", {}, 1, remove, ""},
      {"hooks rotate-secret",
       "ID --secret S [--overlap DURATION]",
       "add S; the old secret keeps signing for the overlap",
       {"secret", "overlap"},
       1,
       rotate,
       "During the overlap (default 24h; ms, s, m, h; 0 retires at once) every request\n"
       "carries one v1 signature per secret. --secret - reads it from stdin.\n"},
  };
}

} // namespace courier::ctl
