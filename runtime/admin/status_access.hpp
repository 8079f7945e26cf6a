#pragma once
// Who may see the status page (GET /). Browsers cannot send a bearer header from an
// address bar, so besides "Authorization: Bearer <admin_token>" the page accepts the token
// as ?token=<admin_token>, which the login form (the 401 answer) fills in; the page's own
// reload keeps its URL and so the token. Compared in constant time (net/bearer_token).
// With no admin_token configured the page is open, like the rest of the admin listener.
// Pure; the admin server's thread.
#include "net/admin_server.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace courier::admin {

// The percent-decoded value of the first `name` parameter of `query` ('+' is a space, as
// HTML forms send it); nullopt when absent or badly encoded.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

// Whether the request may see the page, given the configured `admin_token`.
bool status_page_allowed(const net::admin_request& req, std::string_view query,
                         std::string_view admin_token);

// 401 with the login form (HTML): says the token was wrong when the query carried one.
net::admin_response status_page_login(std::string_view query);

// The headers every status page answer carries: not cached, not framed, no referrer (the
// URL may hold the token), nothing loaded from anywhere.
void add_page_headers(net::admin_response& r);

} // namespace courier::admin
