// deliveries list over /v1/deliveries (the attempt log), and replay --from-seq over
// /v1/hooks/{id}/replay.
#include "runtime/ctl/table.hpp"
#include "runtime/ctl/verbs.hpp"

#include <iostream>

namespace courier::ctl {

namespace {

// Without --limit a list stops at this many attempts: the log keeps days of them.
constexpr std::int64_t default_attempts = 100;

int list(const invocation& call) {
  std::string filters;
  for (auto [option, param] : {std::pair{"hook", "hook_id"}, std::pair{"seq", "seq"},
                               std::pair{"from-seq", "from_seq"}, std::pair{"to-seq", "to_seq"}})
    if (auto n = call.number_option(option))
      filters += std::string{"&"} + param + "=" + std::to_string(*n);
  if (auto outcome = call.option("outcome"))
    filters += "&outcome=" + query_escape(*outcome);
  if (auto since = call.option("since"))
    filters += "&since=" + query_escape(since_time(*since));
  json attempts = call.client().list(
      "/v1/deliveries", filters, call.number_option("limit").value_or(default_attempts), "before");
  if (call.line.json) {
    print_json(attempts);
    return 0;
  }
  table out{
      {"STARTED_AT", "HOOK", "SEQ", "ATTEMPT", "STATUS", "OUTCOME", "MS", "NODE", "RESPONSE"}};
  for (const auto& a : attempts)
    out.add_row({cell(member(a, "started_at")), cell(member(a, "hook_id")), cell(member(a, "seq")),
                 cell(member(a, "attempt")), cell(member(a, "status")), cell(member(a, "outcome")),
                 cell(member(a, "duration_ms")), cell(member(a, "node_id")),
                 cell(member(a, "response_excerpt"), 60)});
  std::cout << out.render();
  return 0;
}

int replay(const invocation& call) {
  auto hook = call.number_option("hook");
  auto from = call.number_option("from-seq");
  if (!hook || !from)
    throw usage_error("replay needs --hook ID and --from-seq N");
  json result = call.client().post("/v1/hooks/" + std::to_string(*hook) + "/replay",
                                   json{{"from_seq", *from}});
  if (call.line.json) {
    print_json(result);
    return 0;
  }
  std::cout << "hook " << *hook << ": events from seq " << *from
            << " will be delivered again, in order (rewind " << cell(member(result, "rewind_id"))
            << "; the owning node applies it after its attempt in flight)\n";
  return 0;
}

} // namespace

std::vector<verb> delivery_verbs() {
  return {
      {"deliveries list",
       "[--hook ID] [--seq N | --from-seq N --to-seq N] [--outcome O] [--since TIME] [--limit N]",
       "the attempt log, newest first",
       {"hook", "seq", "from-seq", "to-seq", "outcome", "since", "limit"},
       0,
       list,
       "Every attempt that went out: when, which node, the HTTP status, the outcome\n"
       "(delivered, gone, retry_after, failed, or the transport failure such as timeout)\n"
       "and the start of the answer. At most 100 unless --limit says otherwise. --since\n"
       "takes RFC 3339 (2024-05-01T12:00:00Z) or a duration meaning that long ago (2h).\n"},
      {"replay",
       "--hook ID --from-seq N",
       "deliver the hook's events from seq N again, in order",
       {"hook", "from-seq"},
       0,
       replay,
       "The hook's owning node stops its deliverer, makes its progress durable and moves\n"
       "the cursor back to N - 1 under its lease, then delivers N, N+1, ... again. The\n"
       "cursor never moves forward: events not yet delivered are delivered anyway.\n"},
  };
}

} // namespace courier::ctl
