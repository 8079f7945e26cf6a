#pragma once
// Parsing of hook target URLs (http/https only). Pure; used by the HTTP client. The SQL
// check courier.url_problem() (runtime/sql/002_hardening.sql) applies the same rules;
// tests/data/url_verdicts.tsv runs one table through both.
#include <optional>
#include <string>
#include <string_view>

namespace courier::net {

struct url {
  std::string scheme;         // "http" or "https"
  std::string host;           // without brackets for IPv6 literals
  std::string port;           // explicit or the scheme's default
  std::string target;         // path + query, at least "/"
  std::string origin() const; // scheme://host:port, the key of the connection pool
};

// nullopt and *error set when the URL is not an absolute http(s) URL with a host,
// or carries user-info, a fragment, spaces or control characters. The SQL side
// (courier.url_problem, runtime/sql/002_hardening.sql) applies the same rules; both are
// held to tests/data/url_verdicts.tsv.
std::optional<url> parse_url(std::string_view text, std::string* error = nullptr);

} // namespace courier::net
