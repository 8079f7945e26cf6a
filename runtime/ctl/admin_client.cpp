#include "runtime/ctl/admin_client.hpp"

#include "net/url.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace courier::ctl {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

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
                        std::optional<std::int64_t> max_items) const {
  json items = json::array();
  json next = 0;
  while (!next.is_null() && (!max_items || static_cast<std::int64_t>(items.size()) < *max_items)) {
    json page = get(path + "?limit=1000&after=" + next.dump() + filters);
    for (auto& item : page["items"])
      if (!max_items || static_cast<std::int64_t>(items.size()) < *max_items)
        items.push_back(std::move(item));
    next = page["next_after"];
  }
  return items;
}

json admin_client::request(const std::string& method, const std::string& path,
                           const std::optional<json>& body) const {
  asio::io_context io;
  beast::tcp_stream stream{io};
  http::request<http::string_body> req{http::string_to_verb(method), prefix_ + path, 11};
  req.set(http::field::host, host_ + ":" + port_);
  req.set(http::field::user_agent, std::string{"courierctl/"} + COURIER_VERSION);
  req.set(http::field::accept, "application/json");
  if (!token_.empty())
    req.set(http::field::authorization, "Bearer " + token_);
  if (body) {
    req.set(http::field::content_type, "application/json");
    req.body() = body->dump();
  }
  req.prepare_payload();
  http::response<http::string_body> res;
  beast::flat_buffer buffer;
  beast::error_code failed;
  const std::string where = "http://" + host_ + ":" + port_;
  asio::ip::tcp::resolver resolver{io};
  auto endpoints = resolver.resolve(host_, port_, failed);
  if (failed)
    throw command_failed("cannot resolve " + host_ + ": " + failed.message());
  // One deadline for connect, write and read: a node that never answers fails the command.
  stream.expires_after(timeout_);
  stream.async_connect(endpoints, [&](beast::error_code ec, const asio::ip::tcp::endpoint&) {
    if (ec) {
      failed = ec;
      return;
    }
    http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failed = ec;
        return;
      }
      http::async_read(stream, buffer, res,
                       [&](beast::error_code ec, std::size_t) { failed = ec; });
    });
  });
  io.run();
  if (failed)
    throw command_failed("no answer from the admin API at " + where + ": " + failed.message());
  const int status = static_cast<int>(res.result_int());
  json doc = res.body().empty() ? json() : json::parse(res.body(), nullptr, false);
  if (status >= 400)
    throw api_error(describe(status, doc.is_discarded() ? json() : doc, res.body()),
                    doc.is_discarded() ? json() : doc);
  if (doc.is_discarded())
    throw command_failed("the admin API at " + where + " answered " + std::to_string(status) +
                         " with a body that is not JSON");
  return doc;
}

} // namespace courier::ctl
