#pragma once
// The live load of the benchmarks: events committed at a fixed rate, one per transaction,
// to a set of hooks in turn, with the moment each was sent, so that deliveries can be
// timed from emit to arrival. Stateless; runs on the caller's thread.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace courier::test {

struct delivery;

// Event id prefix of a webhook-id ("msg_<event id>_" of "msg_<event id>_<hook id>") ->
// when the transaction that emitted it began.
using send_times = std::map<std::string, std::chrono::steady_clock::time_point>;

// Commits rate * seconds events of `type` ({"i": n}) to `hooks` in turn, `rate` a second,
// each in its own transaction on one connection.
send_times emit_paced(const std::string& db_url, const std::vector<std::int64_t>& hooks,
                      const std::string& type, long rate, long seconds);

// The key of send_times a delivery belongs to.
std::string send_key(const delivery& d);

} // namespace courier::test
