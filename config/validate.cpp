// Cross-key rules: db is required, a non-loopback admin listener needs a token, the
// lease heartbeat must fit twice into the self-expiry window, and one origin's share of
// the in-flight slots is no more than all of them, nor one hook's prefetch more than the
// node's byte budget.
#include "config/validate.hpp"
#include "config/errors.hpp"
#include "config/listen_address.hpp"
#include "config/text.hpp"

namespace courier::config {

namespace {

std::string origin_of(const raw_settings& given, const std::string& key) {
  const auto it = given.find(key);
  return it == given.end() ? std::string() : it->second.origin;
}

// What the operator wrote, or the default spelled the way they would write it.
std::string given_text(const raw_settings& given, const std::string& key,
                       std::chrono::milliseconds value) {
  const auto it = given.find(key);
  return it == given.end() ? format_duration(value) + " (default)"
                           : "'" + printable(it->second.text) + "'";
}

} // namespace

void validate(const node_config& config, const raw_settings& given) {
  if (given.count("db") == 0)
    throw key_error("db", "expected a postgres:// URL or a libpq 'key=value' string, got nothing "
                          "(set --db, COURIER_DB or db in the config file)");

  // parse_host_port succeeded when admin_listen was applied; the default is loopback.
  const auto listen = parse_host_port(config.admin_listen);
  if (listen && !is_loopback_host(listen->host) && config.admin_token.empty())
    throw key_error("admin_token",
                    "expected a non-empty token because admin_listen '" + config.admin_listen +
                        "' is not loopback, got nothing",
                    origin_of(given, "admin_token"));

  // A node renews its leases every lease_tick; at least two chances per expiry window keep
  // one slow tick from losing every partition.
  // Halving the expiry, not doubling the tick: a tick near the duration limit must not
  // overflow (found by the config_file fuzz target).
  if (config.lease_tick >= config.lease_self_expiry / 2 + config.lease_self_expiry % 2)
    throw key_error("lease_tick_ms",
                    "expected a duration below half of lease_self_expiry_ms (" +
                        format_duration(config.lease_self_expiry) + "), got " +
                        given_text(given, "lease_tick_ms", config.lease_tick),
                    origin_of(given, "lease_tick_ms"));

  // One hook's prefetch is carved out of the node's budget, so it cannot be larger.
  if (config.max_prefetch_bytes_per_hook > config.max_buffered_bytes)
    throw key_error("max_prefetch_bytes_per_hook",
                    "expected at most max_buffered_bytes (" +
                        std::to_string(config.max_buffered_bytes) + "), got " +
                        std::to_string(config.max_prefetch_bytes_per_hook),
                    origin_of(given, "max_prefetch_bytes_per_hook"));

  // Unset, it follows max_in_flight (origin_slots()); only a given value can exceed it.
  const auto per_origin = given.find("max_in_flight_per_origin");
  if (per_origin != given.end() && config.max_in_flight_per_origin > config.max_in_flight)
    throw key_error("max_in_flight_per_origin",
                    "expected at most max_in_flight (" + std::to_string(config.max_in_flight) +
                        "), got '" + printable(per_origin->second.text) + "'",
                    per_origin->second.origin);
}

} // namespace courier::config
