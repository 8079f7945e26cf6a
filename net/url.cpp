#include "net/url.hpp"

#include <boost/asio/ip/address_v6.hpp>
#include <cstddef>

namespace courier::net {

namespace {

constexpr std::size_t max_url_length = 2048;

std::optional<url> reject(std::string* error, const char* why) {
  if (error)
    *error = why;
  return std::nullopt;
}

char to_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    c = to_lower(c);
  return out;
}

bool is_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

// Numeric port 1..65535, normalized (no leading zeros) so origins compare equal.
bool parse_port(std::string_view text, std::string& out) {
  if (text.empty() || text.size() > 5)
    return false;
  unsigned value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535)
    return false;
  out = std::to_string(value);
  return true;
}

} // namespace

std::string url::origin() const {
  std::string out = scheme + "://";
  if (host.find(':') != std::string::npos)
    out += "[" + host + "]";
  else
    out += host;
  out += ":" + port;
  return out;
}

std::optional<url> parse_url(std::string_view text, std::string* error) {
  if (text.size() > max_url_length)
    return reject(error, "URL longer than 2048 characters");
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    // Raw spaces, controls and non-ASCII bytes would reach the request line
    // unescaped; they must arrive percent-encoded.
    if (u <= 0x20 || u >= 0x7f)
      return reject(error, "URL contains whitespace, control or non-ASCII characters");
  }
  if (text.find('#') != std::string_view::npos)
    return reject(error, "URL has a fragment");
  auto sep = text.find("://");
  if (sep == std::string_view::npos)
    return reject(error, "URL is not absolute (missing scheme://)");
  url out;
  out.scheme = lower(text.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https")
    return reject(error, "URL scheme must be http or https");
  auto rest = text.substr(sep + 3);
  auto authority_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, authority_end);
  auto target =
      authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos)
    return reject(error, "URL must not contain user info");
  std::string_view host;
  std::string_view port_text;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    if (close == std::string_view::npos)
      return reject(error, "URL has an unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return reject(error, "URL has garbage after the IPv6 literal");
      has_port = true;
      port_text = after.substr(1);
    }
    boost::system::error_code ec;
    boost::asio::ip::make_address_v6(std::string(host), ec);
    // Zone ids ("%eth0") are refused: they name an interface of this machine.
    if (ec || host.find('%') != std::string_view::npos)
      return reject(error, "URL has an invalid IPv6 literal");
  } else {
    auto colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) {
      has_port = true;
      port_text = authority.substr(colon + 1);
    }
    for (char c : host)
      if (!is_host_char(c))
        return reject(error, "URL host contains invalid characters");
  }
  if (host.empty())
    return reject(error, "URL has no host");
  out.host = lower(host);
  if (has_port) {
    if (!parse_port(port_text, out.port))
      return reject(error, "URL port must be a number in 1..65535");
  } else {
    out.port = out.scheme == "https" ? "443" : "80";
  }
  if (target.empty())
    out.target = "/";
  else if (target.front() == '?')
    out.target = "/" + std::string(target);
  else
    out.target = std::string(target);
  return out;
}

} // namespace courier::net
