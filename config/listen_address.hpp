#pragma once
// admin_listen split into host and port: the one parser of "host:port" and "loopback",
// used by config validation and by the node when it starts the admin server.
#include <cstdint>
#include <optional>
#include <string>

namespace courier::config {

struct host_port {
  std::string host; // without IPv6 brackets: "::1", "127.0.0.1", "localhost"
  std::uint16_t port = 0;
};

// "127.0.0.1:8480", "[::1]:8480", "node-a.internal:8480"; nullopt for anything else
// (missing or zero port, unbracketed IPv6, empty host).
std::optional<host_port> parse_host_port(const std::string& text);

// 127.0.0.0/8, ::1 (also v4-mapped) and "localhost": only this machine can connect, which
// is why admin_token may be omitted for them.
bool is_loopback_host(const std::string& host);

} // namespace courier::config
