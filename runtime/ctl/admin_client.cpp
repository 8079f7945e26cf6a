#include "runtime/ctl/admin_client.hpp"

#include "net/url.hpp"

#include "runtime/ctl/http_exchange.hpp"

namespace courier::ctl {

namespace {

// "404 Not found: no hook 7", with "(field url)" when the problem names one.
std::string describe(int status, const json& problem, const std::string& raw) {
  std::string text = std::to_string(status);
  if (problem.is_object()) {
    text += " " + problem.value("title", std::string{});
    if (problem.contains("field"))
      text += " (field " + problem.value("field", std::string{}) + ")";
    text += ": " + problem.value("detail", std::string{});
  } else {
    text += ": " + raw.substr(0, 200);
  }
  if (status == 401)
    text += " — pass the node's admin_token as --token or COURIER_ADMIN_TOKEN";
  return text;
}

} // namespace

std::string query_escape(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~' || c == ':';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

admin_client::admin_client(const std::string& base_url, std::string token,
                           std::chrono::milliseconds timeout)
    : token_(std::move(token)), timeout_(timeout) {
  std::string error;
  auto url = net::parse_url(base_url, &error);
  if (!url)
    throw usage_error("--admin '" + base_url + "': " + error);
  if (url->scheme != "http")
    throw usage_error("--admin '" + base_url +
                      "': the admin listener speaks plain HTTP (use http://)");
  host_ = url->host;
  port_ = url->port;
  prefix_ = url->target.substr(0, url->target.find('?'));
  while (!prefix_.empty() && prefix_.back() == '/')
    prefix_.pop_back();
}

admin_client admin_client::from(const command_line& line) {
  return admin_client{line.option("admin", "COURIER_ADMIN").value_or(default_url),
                      line.option("token", "COURIER_ADMIN_TOKEN").value_or("")};
}

json admin_client::list(const std::string& path, const std::string& filters,
                        std::optional<std::int64_t> max_items, const std::string& cursor) const {
  json items = json::array();
  json next = 0;
  while (!next.is_null() && (!max_items || static_cast<std::int64_t>(items.size()) < *max_items)) {
    json page = get(path + "?limit=1000&" + cursor + "=" + next.dump() + filters);
    for (auto& item : page["items"])
      if (!max_items || static_cast<std::int64_t>(items.size()) < *max_items)
        items.push_back(std::move(item));
    next = page["next_" + cursor];
  }
  return items;
}

json admin_client::request(const std::string& method, const std::string& path,
                           const std::optional<json>& body) const {
  http_headers headers{{"user-agent", std::string{"courierctl/"} + COURIER_VERSION},
                       {"accept", "application/json"}};
  if (!token_.empty())
    headers.emplace_back("authorization", "Bearer " + token_);
  if (body)
    headers.emplace_back("content-type", "application/json");
  const std::string where = "http://" + host_ + ":" + port_;
  http_answer answer;
  try {
    answer = http_exchange(host_, port_, method, prefix_ + path, headers,
                           body ? body->dump() : std::string{}, timeout_);
  } catch (const std::runtime_error& e) {
    throw command_failed("no answer from the admin API at " + where + ": " + e.what());
  }
  json doc = answer.body.empty() ? json() : json::parse(answer.body, nullptr, false);
  if (answer.status >= 400)
    throw api_error(describe(answer.status, doc.is_discarded() ? json() : doc, answer.body),
                    doc.is_discarded() ? json() : doc);
  if (doc.is_discarded())
    throw command_failed("the admin API at " + where + " answered " +
                         std::to_string(answer.status) + " with a body that is not JSON");
  return doc;
}

} // namespace courier::ctl
