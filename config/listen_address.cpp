// host:port parsing and the loopback test behind admin_token's requirement.
#include "config/listen_address.hpp"
#include "config/text.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>

namespace courier::config {

namespace {

bool is_host_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '-' ||
         c == '_';
}

std::optional<std::uint16_t> parse_port(const std::string& text) {
  if (text.empty() || text.size() > 5)
    return std::nullopt;
  int port = 0;
  for (char c : text) {
    if (!is_digit(c))
      return std::nullopt;
    port = port * 10 + (c - '0');
  }
  if (port > 65535) // 0: let the kernel pick (tests, several nodes on one host)
    return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

} // namespace

std::optional<host_port> parse_host_port(const std::string& text) {
  host_port out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return std::nullopt;
    out.host = text.substr(1, close - 1);
    in6_addr addr{};
    if (inet_pton(AF_INET6, out.host.c_str(), &addr) != 1)
      return std::nullopt;
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos)
      return std::nullopt;
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    // A colon left in the host means an IPv6 address without brackets: ambiguous.
    if (out.host.empty())
      return std::nullopt;
    for (char c : out.host)
      if (!is_host_name_char(c))
        return std::nullopt;
  }
  const auto port = parse_port(port_text);
  if (!port)
    return std::nullopt;
  out.port = *port;
  return out;
}

bool is_loopback_host(const std::string& host) {
  std::string lower = host;
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  if (lower == "localhost")
    return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1)
    return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    if (std::memcmp(&v6, &in6addr_loopback, sizeof v6) == 0)
      return true;
    if (IN6_IS_ADDR_V4MAPPED(&v6))
      return v6.s6_addr[12] == 127;
  }
  return false;
}

} // namespace courier::config
