#pragma once
// A node's configuration: every key of CONTRACT.md, resolved from (lowest to
// highest precedence) built-in defaults, the --config file, COURIER_* environment
// variables and --key value flags. Immutable after load; shared read-only.
#include <chrono>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

namespace courier::config {

enum class poison_policy { block, dead_letter };

struct node_config {
  std::string db;       // libpq URL (required)
  std::string node_id;  // default: <hostname>-<pid>
  int partitions = 256; // cluster-wide, 1..65536
  std::string admin_listen = "127.0.0.1:8480";
  std::string admin_token; // required unless admin_listen is loopback
  bool allow_private_targets = false;
  std::chrono::milliseconds http_timeout{15000};
  int max_in_flight = 256; // per node
  // Slots the requests to one origin (scheme://host:port) may hold; 0: unset, see
  // origin_slots().
  int max_in_flight_per_origin = 0;
  // default 5s,30s,2m,10m,30m,1h,2h,4h,8h,8h
  std::vector<std::chrono::milliseconds> retry_schedule{
      std::chrono::seconds(5),  std::chrono::seconds(30), std::chrono::minutes(2),
      std::chrono::minutes(10), std::chrono::minutes(30), std::chrono::hours(1),
      std::chrono::hours(2),    std::chrono::hours(4),    std::chrono::hours(8),
      std::chrono::hours(8)};
  poison_policy poison = poison_policy::block;
  int max_attempts = 10; // used by dead_letter
  // A hook whose head event has failed continuously for this long is paused (nothing is
  // lost; courier.hook.paused is emitted). Zero: never.
  std::chrono::milliseconds pause_after{std::chrono::hours{72}};
  std::chrono::milliseconds lease_self_expiry{5000};
  std::chrono::milliseconds shutdown_grace{10000};
  std::string log_format = "text"; // text | json
  std::string log_level = "info";  // trace|debug|info|warn|error|critical|off
  std::string ca_file;             // extra trusted CAs for HTTPS targets
  // Extensions beyond the contract (documented in config/README.md):
  int db_pool_size = 4; // connections used for outbox reads and cursor writes
  std::chrono::milliseconds poll_interval{2000}; // safety-net poll when NOTIFY is quiet
  // A hook's delivery actor with nothing to send stops after this long; a new event
  // (NOTIFY or the poll) starts it again.
  std::chrono::milliseconds passivate_after{5000};
  std::chrono::milliseconds lease_tick{500}; // lease heartbeat / balance period
  std::chrono::milliseconds cursor_flush_interval{50};
  int max_response_body = 65536;
  // Payload bytes all delivery actors of the node may hold between fetch and delivery,
  // and the share one hook may prefetch (documented in config/README.md).
  std::int64_t max_buffered_bytes = 256LL << 20;
  std::int64_t max_prefetch_bytes_per_hook = 1LL << 20;
  // The attempt log (courier.attempts): on or off, the response bytes kept per attempt,
  // and how long a day of it is kept (documented in config/README.md).
  bool attempt_log = true;
  int attempt_body_bytes = 1024;
  std::chrono::milliseconds attempt_retention{std::chrono::hours{7 * 24}};
  int metrics_top_hooks = 20; // hooks with the oldest undelivered event exported per hook
  // A delivery actor failing more than restart_max times within restart_window is
  // quarantined for `quarantine` (documented in config/README.md).
  int restart_max = 5;
  std::chrono::milliseconds restart_window{60000};
  std::chrono::milliseconds quarantine{60000};

  // max_in_flight_per_origin, by default half of max_in_flight (rounded up): one origin
  // that stops answering keeps the other half for everyone else.
  int origin_slots() const {
    return max_in_flight_per_origin > 0 ? max_in_flight_per_origin : (max_in_flight + 1) / 2;
  }
};

// Thrown by load(); what() is one line naming the key, e.g.
// "config key 'http_timeout_ms': expected a positive duration (e.g. 15000 or 15s), got 'abc'
// (from --http_timeout_ms)". Syntax errors in the file use key "config".
struct config_error : std::exception {
  std::string key;
  std::string message;
  config_error(std::string k, std::string m);
  const char* what() const noexcept override { return message.c_str(); }
};

// What a command line asks for besides running a node. --help (or -h) and --version are
// honoured wherever a flag may stand, even beside a bad flag, so they always answer.
enum class cli_request { run, help, version };
cli_request requested(int argc, const char* const* argv);

// courierd's --help text: synopsis, sources and precedence, then every key of the key
// table with the values it accepts and its default.
std::string usage();

// argv as given to main (argv[0] skipped). `env` is the process environment
// (envp-style "KEY=value" strings). Throws config_error.
node_config load(int argc, const char* const* argv, const std::vector<std::string>& env);

// "100ms", "5s", "2m", "1h"; a bare number is milliseconds. Throws std::invalid_argument.
std::chrono::milliseconds parse_duration(const std::string& text);
// "5s,30s,2m"; throws std::invalid_argument on an empty list or a bad element.
std::vector<std::chrono::milliseconds> parse_duration_list(const std::string& text);
// Shortest exact spelling that parse_duration reads back: 5000ms -> "5s", 90000ms -> "90s".
std::string format_duration(std::chrono::milliseconds d);

// One line for the startup log, every key as key=value in the key table's order; values
// are escaped (see printable in text.hpp), admin_token and the db password masked.
std::string describe(const node_config& config);

} // namespace courier::config
