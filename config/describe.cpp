// describe(): the startup log line, every key with secrets masked.
#include "config/node_config.hpp"
#include "config/redact.hpp"
#include "config/text.hpp"

#include <sstream>

namespace courier::config {

namespace {

// Values with spaces (libpq keyword strings, paths) are quoted so the line still splits
// cleanly into key=value pairs.
std::string field(const std::string& raw) {
  if (raw.empty())
    return "(none)";
  const std::string value = printable(raw);
  if (value.find_first_of(" \t\"") == std::string::npos)
    return value;
  std::string out = "\"";
  for (char c : value)
    out += c == '"' ? std::string("\\\"") : std::string(1, c);
  return out + "\"";
}

} // namespace

std::string describe(const node_config& c) {
  std::string schedule;
  for (const auto& d : c.retry_schedule)
    schedule += (schedule.empty() ? "" : ",") + format_duration(d);
  std::ostringstream out;
  // Key names and duration spellings as an operator writes them, so the line reads like
  // the config it came from.
  out << "node_id=" << field(c.node_id) << " db=" << field(redact_db(c.db))
      << " partitions=" << c.partitions << " admin_listen=" << c.admin_listen
      << " admin_token=" << (c.admin_token.empty() ? "(none)" : "***")
      << " allow_private_targets=" << (c.allow_private_targets ? "true" : "false")
      << " http_timeout_ms=" << format_duration(c.http_timeout)
      << " max_in_flight=" << c.max_in_flight << " retry_schedule=" << schedule
      << " poison_policy=" << (c.poison == poison_policy::block ? "block" : "dead_letter")
      << " max_attempts=" << c.max_attempts
      << " lease_self_expiry_ms=" << format_duration(c.lease_self_expiry)
      << " shutdown_grace_ms=" << format_duration(c.shutdown_grace)
      << " log_format=" << c.log_format << " log_level=" << c.log_level
      << " ca_file=" << field(c.ca_file) << " db_pool_size=" << c.db_pool_size
      << " poll_interval_ms=" << format_duration(c.poll_interval)
      << " lease_tick_ms=" << format_duration(c.lease_tick)
      << " cursor_flush_interval_ms=" << format_duration(c.cursor_flush_interval)
      << " max_response_body=" << c.max_response_body << " restart_max=" << c.restart_max
      << " restart_window_ms=" << format_duration(c.restart_window)
      << " quarantine_ms=" << format_duration(c.quarantine);
  return out.str();
}

} // namespace courier::config
