#pragma once
// What each admin API request says, read from its JSON body or query string into a typed
// value — or the problem to answer instead. Pure functions of their input (no database,
// no clock, no I/O), so they can be unit-tested and fuzzed; any thread.
//
// Checked here: JSON syntax (400), the members each request may have (400 for any other),
// types, required members, NUL bytes, durations, timestamps, ids (422). Not here: whether
// a URL, secret or pattern is acceptable — the database's own checks
// (courier.url_problem, secret_problem, event_types_problem) decide that, so the API and
// SQL callers get the same verdicts.
#include "runtime/admin/problem.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace courier::admin {

template <class T> using parsed = std::variant<T, problem>;

// Per-hook options as given: each option's name and its value's JSON text (null unsets
// it). Which names and values are valid is courier.configure_hook's to say.
using hook_option_values = std::vector<std::pair<std::string, std::string>>;

struct create_hook_request {
  std::string url;
  std::string secret;
  std::vector<std::string> event_types{"*"};
  hook_option_values options;
};

// Members left out keep their current value; so do options left out.
struct update_hook_request {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> event_types;
  hook_option_values options;
};

// Replay a hook's events from a seq on (POST /v1/hooks/{id}/replay).
struct rewind_hook_request {
  std::int64_t from_seq = 0;
};

struct rotate_secret_request {
  std::string secret;
  std::chrono::milliseconds overlap = std::chrono::hours{24};
};

// At least one filter; both narrow together.
struct replay_request {
  std::optional<std::int64_t> hook_id;
  std::optional<std::string> since; // RFC 3339
};

struct hook_list_query {
  std::optional<std::string> state; // active | paused | disabled | quarantined
  std::int64_t after = 0;           // ids greater than this (paging)
  int limit = 100;
  // false: by id, in pages; true: the `limit` hooks with the largest backlog (one page)
  bool by_backlog = false;
};

struct dead_letter_list_query {
  std::optional<std::int64_t> hook_id;
  std::optional<std::string> state; // parked | replayed
  std::int64_t after = 0;
  int limit = 100;
};

// The attempt log, newest first; every filter narrows.
struct delivery_list_query {
  std::optional<std::int64_t> hook_id;
  std::optional<std::int64_t> seq;      // one event's attempts
  std::optional<std::int64_t> from_seq; // seq range, inclusive
  std::optional<std::int64_t> to_seq;
  std::optional<std::string> outcome; // delivered, failed, timeout, ... (attempt outcome classes)
  std::optional<std::string> since;   // RFC 3339, started at or after
  std::optional<std::string> until;   // RFC 3339, started before
  std::int64_t before = 0;            // ids lower than this (paging); 0: from the newest
  int limit = 100;
};

constexpr int max_page_size = 1000;

parsed<create_hook_request> parse_create_hook(std::string_view body);
parsed<update_hook_request> parse_update_hook(std::string_view body);
parsed<rotate_secret_request> parse_rotate_secret(std::string_view body);
parsed<replay_request> parse_replay(std::string_view body);
parsed<rewind_hook_request> parse_rewind_hook(std::string_view body);
// Requests that carry nothing (pause, resume, delete, test, replay one): an empty body or
// an empty object.
struct empty_request {};
parsed<empty_request> parse_empty_body(std::string_view body);

parsed<hook_list_query> parse_hook_list_query(std::string_view query);
parsed<dead_letter_list_query> parse_dead_letter_list_query(std::string_view query);
parsed<delivery_list_query> parse_delivery_list_query(std::string_view query);

// A query string name or value decoded ('+' is a space, %XX a byte), or nullopt when a
// '%' is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view raw);

// A resource id in a path: 1 to 18 digits, not zero. nullopt otherwise (the resource
// then does not exist).
std::optional<std::int64_t> parse_id(std::string_view text);

// YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM), fields in range.
bool is_rfc3339(std::string_view text);

} // namespace courier::admin
