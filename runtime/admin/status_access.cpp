#include "runtime/admin/status_access.hpp"

#include "net/bearer_token.hpp"
#include "runtime/admin/status_page.hpp"

namespace courier::admin {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::optional<std::string> percent_decode(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '+') {
      out += ' ';
    } else if (raw[i] == '%') {
      if (i + 2 >= raw.size())
        return std::nullopt;
      const int hi = hex_value(raw[i + 1]), lo = hex_value(raw[i + 2]);
      if (hi < 0 || lo < 0)
        return std::nullopt;
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += raw[i];
    }
  }
  return out;
}

} // namespace

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const auto eq = pair.find('=');
    const auto key = percent_decode(pair.substr(0, eq));
    if (!key || *key != name)
      continue;
    return eq == std::string_view::npos ? std::optional<std::string>{""}
                                        : percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

bool status_page_allowed(const net::admin_request& req, std::string_view query,
                         std::string_view admin_token) {
  if (admin_token.empty())
    return true;
  if (net::bearer_token_matches(req.authorization, admin_token))
    return true;
  const auto given = query_parameter(query, "token");
  return given && net::token_equals(*given, admin_token);
}

net::admin_response status_page_login(std::string_view query) {
  net::admin_response r{401,
                        "text/html; charset=utf-8",
                        render_login_page(query_parameter(query, "token").has_value()),
                        {}};
  r.headers.emplace_back("www-authenticate", "Bearer");
  add_page_headers(r);
  return r;
}

void add_page_headers(net::admin_response& r) {
  r.headers.emplace_back("cache-control", "no-store");
  r.headers.emplace_back("referrer-policy", "no-referrer");
  r.headers.emplace_back("x-content-type-options", "nosniff");
  r.headers.emplace_back("content-security-policy",
                         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                         "frame-ancestors 'none'; base-uri 'none'");
}

} // namespace courier::admin
