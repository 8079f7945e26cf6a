#pragma once
// Domain values passed between the store, the lease keeper and the actors. Plain
// data: no libpqxx, Beast or CAF types, so actors and their tests stay free of I/O.
#include "actors/domain/hook_options.hpp"
#include "actors/domain/ids.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace courier {

// What a hook's owner wants (courier.hooks.state); quarantine is the node's own matter.
enum class hook_state {
  active,   // delivered
  paused,   // kept, not delivered until resumed
  disabled, // the subscriber answered 410 Gone (or an operator disabled it)
};

// The store's spelling ('active', 'paused', 'disabled'); used at the store edge only.
const char* to_string(hook_state s);
std::optional<hook_state> hook_state_from_string(std::string_view text);

// A reason to look at a partition's hooks: a notification or the backlog scan.
struct wakeup {
  partition_id partition{};
  std::optional<hook_id> hook; // none: the partition's hook set changed
};

// A hook as a partition actor needs it to run (and restart) its delivery actor.
struct hook_spec {
  hook_id id{};
  partition_id partition{};
  std::string url;
  std::vector<std::string> secrets; // newest first
  hook_state state = hook_state::active;
  stream_seq delivered_seq{};             // durable cursor
  stream_seq last_seq{};                  // the stream's last committed seq when loaded
  hook_options options;                   // its own delivery settings, where set
  int head_attempts = 0;                  // failed attempts of the event after the cursor
  std::int64_t head_failing_since_ms = 0; // unix ms its failures began; 0 = not failing
  std::int64_t quarantined_until_ms = 0;  // unix ms; 0 = not quarantined
  std::int64_t rewind_id = 0;             // a pending replay from rewind_from (0: none)
  stream_seq rewind_from{};
};

// One entry of a hook's stream, with the subscriber's JSON envelope built by the store.
struct outbox_event {
  stream_seq seq{};
  std::int64_t event_id = 0;
  std::int64_t emitted_at_ms = 0; // unix ms of emit (for commit->delivery latency)
  std::string body;               // {"type":..,"timestamp":..,"data":..}
  std::int64_t payload_bytes = 0; // the payload's text size (the fetch's byte cut)
  std::string traceparent;        // W3C trace context stored at emit; empty: none
};

// A partition lease as granted to this node; epoch fences writes made under it.
struct lease_grant {
  partition_id partition{};
  lease_epoch epoch{};
  std::string taken_from;             // a dead previous holder's node id; empty after a hand-over
  std::int64_t holder_silent_ms = -1; // how long that holder had been silent
};

// "Hook delivered through seq", made under the lease (partition, epoch).
struct cursor_update {
  hook_id hook{};
  partition_id partition{};
  lease_epoch epoch{};
  stream_seq seq{};
};

// A pending rewind (courier.rewinds) applied by the hook's owner under its lease.
struct rewind_request {
  std::int64_t id = 0;
  hook_id hook{};
  partition_id partition{};
  lease_epoch epoch{};
};

struct dead_letter_request {
  cursor_update at; // the parked event's seq; the cursor moves past it
  int attempts = 0;
  std::string error;
  // false (ordering none): the cursor stays; it moves only over the finished prefix.
  bool move_cursor = true;
};

// A delivery failure worth showing in courier.hook_status.
struct failure_report {
  cursor_update at; // seq = the failing (head) event
  int attempts = 0;
  std::string error;
};

struct outbox_maintenance {
  int created = 0;          // outbox/events partition pairs created ahead
  int dropped = 0;          // fully delivered partition pairs dropped
  int attempts_dropped = 0; // attempt-log days past attempt_retention dropped
};

// One row of the attempt log (courier.attempts): an attempt that went out, whatever
// became of it. `outcome` is the answer's class: delivered, gone, retry_after, failed (any
// other status), or the transport failure (timeout, connect, tls, ...).
struct attempt_record {
  hook_id hook{};
  stream_seq seq{};
  std::int64_t event_id = 0;
  int attempt = 1;
  lease_epoch epoch{};
  std::int64_t started_at_ms = 0; // unix ms
  std::int64_t duration_ms = 0;
  std::string outcome;
  int http_status = 0;          // 0: no answer
  std::string response_excerpt; // at most attempt_body_bytes, valid UTF-8
};

} // namespace courier
