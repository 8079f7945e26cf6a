#pragma once
// The operator's status page (GET / on the admin listener): what one read of the cluster
// found (status_snapshot, filled by status_reads.hpp) rendered as one self-contained HTML
// document — inline CSS, no scripts, no external assets, reloading itself every few
// seconds. Pure: no I/O; any thread. Every text from the database (hook URLs and errors
// are user and subscriber data) goes through html_escape.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace courier::admin {

// Seconds between the page's own reloads (<meta http-equiv="refresh">).
inline constexpr int status_page_refresh_s = 5;

struct status_node {
  std::string node_id;
  int partitions_held = 0;
  std::string last_heartbeat; // RFC 3339 UTC
  double heartbeat_age_s = 0;
  std::string state; // live | stale | stopping | dead
};

struct status_lagging_hook {
  std::int64_t hook_id = 0;
  std::string url;
  std::string state;
  std::int64_t backlog = 0;
  double oldest_undelivered_s = 0;
  std::string owner_node; // empty: no node holds its partition
};

struct status_held_hook {
  std::int64_t hook_id = 0;
  std::string url;
  std::string state;  // paused | quarantined | disabled
  std::string reason; // disabled_reason, or the last error of a quarantined hook
  std::string since;  // RFC 3339 UTC: last change, or quarantined until
};

struct status_dead_letters {
  std::int64_t hook_id = 0;
  std::string url;
  std::int64_t parked = 0;
};

// A failed attempt from the attempt log.
struct status_failure {
  std::int64_t hook_id = 0;
  std::string url;
  std::string error;
  std::string at; // RFC 3339 UTC, when the attempt started
  std::int64_t seq = 0;
  int attempt = 0; // courier-attempt of that try
};

struct status_snapshot {
  std::string read_at;       // RFC 3339 UTC, the database's clock
  std::string answered_by;   // the node that rendered the page
  int partitions = 0;        // cluster-wide setting
  int partitions_leased = 0; // held by some node now
  std::int64_t hooks = 0;
  std::int64_t paused = 0, disabled = 0, quarantined = 0;
  std::vector<status_node> nodes;
  std::vector<status_lagging_hook> lagging; // largest backlog first
  std::vector<status_held_hook> held;       // paused, quarantined, disabled (bounded)
  // Parked (not yet replayed) dead letters, counted up to dead_letter_count_cap; the
  // per-hook split is over the most recent ones within that cap.
  std::int64_t dead_parked = 0;
  bool dead_parked_capped = false;
  std::vector<status_dead_letters> dead_by_hook;
  std::vector<status_failure> failures; // most recent first
};

// "&<>\"'" as character references; bytes that are not valid UTF-8 and control
// characters other than tab and newline as U+FFFD, so any database text is safe in an
// element or an attribute value.
std::string html_escape(std::string_view text);

// The whole page.
std::string render_status_page(const status_snapshot& s);

// The page a caller without the token gets (with 401): a form that asks for it and opens
// /?token=…; says the last one was wrong when `wrong_token`. Shows no cluster data.
std::string render_login_page(bool wrong_token);

} // namespace courier::admin
