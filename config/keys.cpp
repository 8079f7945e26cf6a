// Every configuration key of CONTRACT.md plus the extensions in config/README.md; one
// place to look for a key's accepted values.
#include "config/keys.hpp"
#include "config/listen_address.hpp"
#include "config/redact.hpp"
#include "config/text.hpp"
#include "config/value_parsers.hpp"

#include <limits>
#include <stdexcept>

namespace courier::config {

namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

void apply_db(node_config& c, const std::string& text) {
  if (!is_postgres_url(text) && text.find('=') == std::string::npos)
    throw bad_value{};
  c.db = text;
}

void apply_node_id(node_config& c, const std::string& text) {
  // The id is written into lease rows and metric labels, so keep it to a safe alphabet.
  if (text.empty() || text.size() > 64)
    throw bad_value{};
  for (char ch : text)
    if (!is_node_id_char(ch))
      throw bad_value{};
  c.node_id = text;
}

void apply_admin_listen(node_config& c, const std::string& text) {
  if (!parse_host_port(text))
    throw bad_value{};
  c.admin_listen = text;
}

void apply_retry_schedule(node_config& c, const std::string& text) {
  std::vector<milliseconds> schedule;
  try {
    schedule = parse_duration_list(text);
  } catch (const std::invalid_argument& e) {
    throw bad_value{e.what()};
  }
  for (std::size_t i = 0; i < schedule.size(); ++i)
    if (schedule[i].count() <= 0)
      throw bad_value{"element " + std::to_string(i + 1) + " is zero"};
  c.retry_schedule = std::move(schedule);
}

void apply_poison_policy(node_config& c, const std::string& text) {
  static const char* const choices[] = {"block", "dead_letter", nullptr};
  c.poison =
      parse_choice(text, choices) == "block" ? poison_policy::block : poison_policy::dead_letter;
}

std::string show_bool(bool value) {
  return value ? "true" : "false";
}

std::string show_schedule(const std::vector<milliseconds>& schedule) {
  std::string out;
  for (const auto& step : schedule)
    out += (out.empty() ? "" : ",") + format_duration(step);
  return out;
}

int as_int(long long v) {
  return static_cast<int>(v);
}

} // namespace

const std::vector<key_spec>& key_specs() {
  static const char* const log_formats[] = {"text", "json", nullptr};
  static const char* const log_levels[] = {"trace", "debug",    "info", "warn",
                                           "error", "critical", "off",  nullptr};
  static const std::vector<key_spec> specs{
      {"db", "a postgres:// or postgresql:// URL or a libpq 'key=value' string", apply_db,
       [](const node_config& c) {
         return redact_db(c.db);
       }},
      {"node_id", "1 to 64 characters from [A-Za-z0-9._-]", apply_node_id,
       [](const node_config& c) {
         return c.node_id;
       }},
      {"partitions", "an integer from 1 to 65536",
       [](node_config& c, const std::string& t) {
         c.partitions = as_int(parse_integer(t, 1, 65536));
       },
       [](const node_config& c) {
         return std::to_string(c.partitions);
       }},
      {"admin_listen", "host:port with port 1..65535 (IPv6 as [::1]:8480)", apply_admin_listen,
       [](const node_config& c) {
         return c.admin_listen;
       }},
      {"admin_token", "a token", [](node_config& c, const std::string& t) { c.admin_token = t; },
       [](const node_config& c) {
         return c.admin_token.empty() ? std::string() : std::string("***");
       }},
      {"allow_private_targets", "true or false",
       [](node_config& c, const std::string& t) { c.allow_private_targets = parse_bool(t); },
       [](const node_config& c) {
         return show_bool(c.allow_private_targets);
       }},
      {"http_timeout_ms", "a positive duration (e.g. 15000 or 15s)",
       [](node_config& c, const std::string& t) {
         c.http_timeout = parse_duration_at_least(t, 1ms, 1h);
       },
       [](const node_config& c) {
         return format_duration(c.http_timeout);
       }},
      {"max_in_flight", "an integer from 1 to 100000",
       [](node_config& c, const std::string& t) {
         c.max_in_flight = as_int(parse_integer(t, 1, 100000));
       },
       [](const node_config& c) {
         return std::to_string(c.max_in_flight);
       }},
      {"max_in_flight_per_origin", "an integer from 1 to max_in_flight (unset: half of it)",
       [](node_config& c, const std::string& t) {
         c.max_in_flight_per_origin = as_int(parse_integer(t, 1, 100000));
       },
       [](const node_config& c) {
         return std::to_string(c.origin_slots());
       }},
      {"retry_schedule", "a comma-separated list of positive durations (e.g. 5s,30s,2m)",
       apply_retry_schedule,
       [](const node_config& c) {
         return show_schedule(c.retry_schedule);
       }},
      {"poison_policy", "block or dead_letter", apply_poison_policy,
       [](const node_config& c) {
         return std::string(c.poison == poison_policy::block ? "block" : "dead_letter");
       }},
      {"max_attempts", "an integer of at least 1",
       [](node_config& c, const std::string& t) {
         c.max_attempts = as_int(parse_integer(t, 1, std::numeric_limits<int>::max()));
       },
       [](const node_config& c) {
         return std::to_string(c.max_attempts);
       }},
      {"lease_self_expiry_ms", "a duration of at least 500ms (e.g. 5000 or 5s)",
       [](node_config& c, const std::string& t) {
         c.lease_self_expiry = parse_duration_at_least(t, 500ms);
       },
       [](const node_config& c) {
         return format_duration(c.lease_self_expiry);
       }},
      {"shutdown_grace_ms", "a duration of 0 or more (e.g. 10000 or 10s)",
       [](node_config& c, const std::string& t) {
         c.shutdown_grace = parse_duration_at_least(t, 0ms);
       },
       [](const node_config& c) {
         return format_duration(c.shutdown_grace);
       }},
      {"log_format", "text or json",
       [](node_config& c, const std::string& t) { c.log_format = parse_choice(t, log_formats); },
       [](const node_config& c) {
         return c.log_format;
       }},
      {"log_level", "one of trace, debug, info, warn, error, critical, off",
       [](node_config& c, const std::string& t) { c.log_level = parse_choice(t, log_levels); },
       [](const node_config& c) {
         return c.log_level;
       }},
      {"ca_file", "a readable file",
       [](node_config& c, const std::string& t) { c.ca_file = parse_readable_file(t); },
       [](const node_config& c) {
         return c.ca_file;
       }},
      {"db_pool_size", "an integer from 1 to 64",
       [](node_config& c, const std::string& t) {
         c.db_pool_size = as_int(parse_integer(t, 1, 64));
       },
       [](const node_config& c) {
         return std::to_string(c.db_pool_size);
       }},
      {"poll_interval_ms", "a positive duration (e.g. 2000 or 2s)",
       [](node_config& c, const std::string& t) {
         c.poll_interval = parse_duration_at_least(t, 1ms);
       },
       [](const node_config& c) {
         return format_duration(c.poll_interval);
       }},
      {"passivate_after_ms", "a positive duration (e.g. 5000 or 5s)",
       [](node_config& c, const std::string& t) {
         c.passivate_after = parse_duration_at_least(t, 1ms);
       },
       [](const node_config& c) {
         return format_duration(c.passivate_after);
       }},
      {"lease_tick_ms", "a duration of at least 50ms (e.g. 500 or 500ms)",
       [](node_config& c, const std::string& t) {
         c.lease_tick = parse_duration_at_least(t, 50ms);
       },
       [](const node_config& c) {
         return format_duration(c.lease_tick);
       }},
      {"cursor_flush_interval_ms", "a positive duration (e.g. 50 or 50ms)",
       [](node_config& c, const std::string& t) {
         c.cursor_flush_interval = parse_duration_at_least(t, 1ms);
       },
       [](const node_config& c) {
         return format_duration(c.cursor_flush_interval);
       }},
      {"max_response_body", "a byte count from 0 to 67108864",
       [](node_config& c, const std::string& t) {
         c.max_response_body = as_int(parse_integer(t, 0, 64 * 1024 * 1024));
       },
       [](const node_config& c) {
         return std::to_string(c.max_response_body);
       }},
      {"max_buffered_bytes", "a byte count from 1048576 to 68719476736",
       [](node_config& c, const std::string& t) {
         c.max_buffered_bytes = parse_integer(t, 1LL << 20, 1LL << 36);
       },
       [](const node_config& c) {
         return std::to_string(c.max_buffered_bytes);
       }},
      {"max_prefetch_bytes_per_hook",
       "a byte count from 1024 to max_buffered_bytes (at most 1 GiB)",
       [](node_config& c, const std::string& t) {
         c.max_prefetch_bytes_per_hook = parse_integer(t, 1024, 1LL << 30);
       },
       [](const node_config& c) {
         return std::to_string(c.max_prefetch_bytes_per_hook);
       }},
      {"metrics_top_hooks", "an integer from 0 to 1000",
       [](node_config& c, const std::string& t) {
         c.metrics_top_hooks = as_int(parse_integer(t, 0, 1000));
       },
       [](const node_config& c) {
         return std::to_string(c.metrics_top_hooks);
       }},
      {"pause_after", "a duration of 0 (never) or more, at most 8760h (e.g. 72h)",
       [](node_config& c, const std::string& t) {
         c.pause_after = parse_duration_at_least(t, 0ms, 8760h);
       },
       [](const node_config& c) {
         return format_duration(c.pause_after);
       }},
      {"attempt_log", "true or false",
       [](node_config& c, const std::string& t) { c.attempt_log = parse_bool(t); },
       [](const node_config& c) {
         return show_bool(c.attempt_log);
       }},
      {"attempt_body_bytes", "a byte count from 0 to 65536",
       [](node_config& c, const std::string& t) {
         c.attempt_body_bytes = as_int(parse_integer(t, 0, 65536));
       },
       [](const node_config& c) {
         return std::to_string(c.attempt_body_bytes);
       }},
      {"attempt_retention", "a duration from 1h to 8760h (e.g. 168h)",
       [](node_config& c, const std::string& t) {
         c.attempt_retention = parse_duration_at_least(t, 1h, 8760h);
       },
       [](const node_config& c) {
         return format_duration(c.attempt_retention);
       }},
      {"restart_max", "an integer from 0 to 1000",
       [](node_config& c, const std::string& t) {
         c.restart_max = as_int(parse_integer(t, 0, 1000));
       },
       [](const node_config& c) {
         return std::to_string(c.restart_max);
       }},
      {"restart_window_ms", "a positive duration of at most 24h (e.g. 60000 or 60s)",
       [](node_config& c, const std::string& t) {
         c.restart_window = parse_duration_at_least(t, 1ms, 24h);
       },
       [](const node_config& c) {
         return format_duration(c.restart_window);
       }},
      {"quarantine_ms", "a positive duration of at most 24h (e.g. 60000 or 60s)",
       [](node_config& c, const std::string& t) {
         c.quarantine = parse_duration_at_least(t, 1ms, 24h);
       },
       [](const node_config& c) {
         return format_duration(c.quarantine);
       }},
  };
  return specs;
}

const key_spec* find_key(std::string_view name) {
  for (const auto& spec : key_specs())
    if (name == spec.name)
      return &spec;
  return nullptr;
}

} // namespace courier::config
