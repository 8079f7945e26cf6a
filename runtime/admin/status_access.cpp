#include "runtime/admin/status_access.hpp"

#include "net/bearer_token.hpp"
#include "runtime/admin/requests.hpp"
#include "runtime/admin/status_page.hpp"

namespace courier::admin {

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
