// dead list | dead replay over /v1/dead-letters.
#include "runtime/ctl/table.hpp"
#include "runtime/ctl/verbs.hpp"

#include <iostream>

namespace courier::ctl {

namespace {

int list(const invocation& call) {
  std::string filters;
  if (auto hook = call.number_option("hook"))
    filters += "&hook_id=" + std::to_string(*hook);
  if (auto state = call.option("state"))
    filters += "&state=" + query_escape(*state);
  json letters = call.client().list("/v1/dead-letters", filters, call.number_option("limit"));
  if (call.line.json) {
    print_json(letters);
    return 0;
  }
  table out{{"ID", "HOOK", "SEQ", "EVENT_TYPE", "ATTEMPTS", "STATE", "PARKED_AT", "LAST_ERROR"}};
  for (const auto& d : letters)
    out.add_row({cell(member(d, "id")), cell(member(d, "hook_id")), cell(member(d, "seq")),
                 cell(member(d, "event_type"), 60), cell(member(d, "attempts")),
                 cell(member(d, "state")), cell(member(d, "parked_at")),
                 cell(member(d, "last_error"), 60)});
  std::cout << out.render();
  return 0;
}

int replay(const invocation& call) {
  auto hook = call.number_option("hook");
  auto since = call.option("since");
  json result;
  if (!call.args.empty()) {
    if (hook || since)
      throw usage_error("give a dead letter ID, or --hook and/or --since, not both");
    result = call.client().post("/v1/dead-letters/" +
                                std::to_string(call.id_arg("dead letter ID")) + "/replay");
  } else {
    if (!hook && !since)
      throw usage_error("which dead letters? give an ID, --hook ID or --since TIME");
    json body = json::object();
    if (hook)
      body["hook_id"] = *hook;
    if (since)
      body["since"] = since_time(*since);
    result = call.client().post("/v1/dead-letters/replay", body);
  }
  if (call.line.json) {
    print_json(result);
    return 0;
  }
  std::cout << "replayed " << cell(member(result, "replayed")) << " dead letter(s)";
  if (!member(result, "dead_letter_ids").empty())
    std::cout << ": " << cell(member(result, "dead_letter_ids"));
  std::cout << "\n";
  if (member(result, "left_parked").is_number() && member(result, "left_parked") != 0)
    std::cout << cell(member(result, "left_parked"))
              << " left parked: their hooks are disabled (hooks resume ID first)\n";
  return 0;
}

} // namespace

std::vector<verb> dead_verbs() {
  return {
      {"dead list",
       "[--hook ID] [--state parked|replayed] [--limit N]",
       "dead letters (parked under poison_policy dead_letter)",
       {"hook", "state", "limit"},
       0,
       list,
       ""},
      {"dead replay",
       "ID | --hook ID | --since TIME",
       "send parked events again, in order",
       {"hook", "since"},
       1,
       replay,
       "Each hook's parked events go back to the end of its stream in their original\n"
       "order and are marked replayed: running it again replays nothing more until\n"
       "something is parked anew. --since takes RFC 3339 (2024-05-01T12:00:00Z) or a\n"
       "duration meaning that long ago (2h).\n"},
  };
}

} // namespace courier::ctl
