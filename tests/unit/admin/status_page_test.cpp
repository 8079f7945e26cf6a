// The status page's rendering (runtime/admin/status_page.hpp) and access check
// (status_access.hpp): database text cannot become markup, the page loads nothing from
// anywhere, and the token is taken from the header or ?token= only when it is right.
#include "runtime/admin/routes.hpp"
#include "runtime/admin/status_access.hpp"
#include "runtime/admin/status_page.hpp"

#include <gtest/gtest.h>

namespace courier::admin {
namespace {

TEST(html_escape, turns_markup_characters_into_references) {
  EXPECT_EQ(html_escape("plain text/ok"), "plain text/ok");
  EXPECT_EQ(html_escape(R"(<script>alert("x")</script>)"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  EXPECT_EQ(html_escape("a&b 'c'"), "a&amp;b &#39;c&#39;");
  EXPECT_EQ(html_escape("&amp;"), "&amp;amp;");
  EXPECT_EQ(html_escape("\" onmouseover=\"x"), "&quot; onmouseover=&quot;x");
}

TEST(html_escape, keeps_utf8_and_replaces_what_is_not_text) {
  EXPECT_EQ(html_escape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80"),
            "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");
  EXPECT_EQ(html_escape("tab\tand\nnewline"), "tab\tand\nnewline");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(html_escape(std::string("nul\0x", 5)), "nul" + fffd + "x");
  EXPECT_EQ(html_escape("\x1b[31m"), fffd + "[31m");
  EXPECT_EQ(html_escape("\xFF<"), fffd + "&lt;");             // not a lead byte
  EXPECT_EQ(html_escape("\xC3"), fffd);                       // cut sequence
  EXPECT_EQ(html_escape("\xC0\xBC"), fffd + fffd);            // overlong '<'
  EXPECT_EQ(html_escape("\xED\xA0\x80"), fffd + fffd + fffd); // a surrogate
}

status_snapshot hostile_snapshot() {
  status_snapshot s;
  s.read_at = "2026-11-24T10:00:00Z";
  s.answered_by = "node-<1>";
  s.partitions = 8;
  s.partitions_leased = 8;
  s.hooks = 1234567;
  s.paused = 1;
  s.nodes.push_back({"node-<1>", 4, "2026-11-24T10:00:00Z", 0.4, "live"});
  s.nodes.push_back({"node-2", 4, "2026-11-24T09:59:40Z", 20.0, "stale"});
  const std::string url = "http://x.test/h?a=1&b=<img src=x onerror=alert(1)>";
  s.lagging.push_back({7, url, "active", 4200, 125.0, "node-2"});
  s.held.push_back({8, url, "paused", "", "2026-11-24T09:00:00Z"});
  s.dead_parked = 3;
  s.dead_by_hook.push_back({9, url, 3});
  s.failures.push_back({7, url, "HTTP 500: <b>boom</b>", "2026-11-24T09:59:59Z", 12, 4});
  return s;
}

TEST(status_page, escapes_every_database_text) {
  const auto page = render_status_page(hostile_snapshot());
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("<b>boom"), std::string::npos);
  EXPECT_EQ(page.find("node-<1>"), std::string::npos);
  EXPECT_NE(page.find("b=&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  EXPECT_NE(page.find("HTTP 500: &lt;b&gt;boom&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(page.find("node-&lt;1&gt;"), std::string::npos);
}

TEST(status_page, is_self_contained_and_reloads_itself) {
  const auto page = render_status_page(hostile_snapshot());
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("<meta http-equiv=\"refresh\" content=\"5\">"), std::string::npos);
  for (const char* external : {"<script", "<link", "src=\"", "url(", "@import"})
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  for (const char* heading : {"Cluster", "Largest lag", "Paused, quarantined and disabled hooks",
                              "Dead letters", "Recent failures"})
    EXPECT_NE(page.find(std::string(">") + heading + "</h2>"), std::string::npos) << heading;
  EXPECT_NE(page.find("1,234,567 hooks"), std::string::npos);
  EXPECT_NE(page.find("2 m 05 s"), std::string::npos);
}

TEST(status_page, says_when_lists_are_empty) {
  status_snapshot s;
  const auto page = render_status_page(s);
  EXPECT_NE(page.find("No hook has a backlog."), std::string::npos);
  EXPECT_NE(page.find("Every hook is active."), std::string::npos);
  EXPECT_NE(page.find("0 parked dead letters"), std::string::npos);
  EXPECT_NE(page.find("No failed attempt"), std::string::npos);
}

TEST(status_page, login_page_has_a_form_and_no_data) {
  const auto login = render_login_page(false);
  EXPECT_NE(login.find("<form method=\"get\" action=\"/\">"), std::string::npos);
  EXPECT_NE(login.find("name=\"token\""), std::string::npos);
  EXPECT_EQ(login.find("refresh"), std::string::npos);
  EXPECT_EQ(login.find("not right"), std::string::npos);
  EXPECT_NE(render_login_page(true).find("not right"), std::string::npos);
}

TEST(status_access, query_parameter_decodes_percent_and_plus) {
  EXPECT_EQ(query_parameter("token=abc", "token"), "abc");
  EXPECT_EQ(query_parameter("x=1&token=a%2Bb+c%26", "token"), "a+b c&");
  EXPECT_EQ(query_parameter("tok%65n=v", "token"), "v");
  EXPECT_EQ(query_parameter("token", "token"), "");
  EXPECT_EQ(query_parameter("tokens=v", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("token=%4", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("token=%zz", "token"), std::nullopt);
  EXPECT_EQ(query_parameter("", "token"), std::nullopt);
}

TEST(status_access, needs_the_right_token_by_header_or_query_when_one_is_set) {
  net::admin_request req;
  req.method = "GET";
  req.target = "/";
  EXPECT_TRUE(status_page_allowed(req, "", ""));
  EXPECT_FALSE(status_page_allowed(req, "", "s3cret"));
  EXPECT_FALSE(status_page_allowed(req, "token=wrong", "s3cret"));
  EXPECT_FALSE(status_page_allowed(req, "token=", "s3cret"));
  EXPECT_FALSE(status_page_allowed(req, "token=s3cre", "s3cret"));
  EXPECT_TRUE(status_page_allowed(req, "token=s3cret", "s3cret"));
  EXPECT_TRUE(status_page_allowed(req, "token=s3%63ret", "s3cret"));
  req.authorization = "Bearer s3cret";
  EXPECT_TRUE(status_page_allowed(req, "", "s3cret"));
  req.authorization = "Bearer nope";
  EXPECT_FALSE(status_page_allowed(req, "", "s3cret"));

  const auto login = status_page_login("token=wrong");
  EXPECT_EQ(login.status, 401);
  EXPECT_EQ(login.content_type, "text/html; charset=utf-8");
  EXPECT_NE(login.body.find("not right"), std::string::npos);
}

TEST(status_access, the_page_is_routed_at_the_root_only) {
  auto root = match_route("GET", "/");
  ASSERT_NE(root.found, nullptr);
  EXPECT_EQ(std::string{root.found->path}, "/");
  EXPECT_EQ(match_route("POST", "/").allowed, "GET");
  EXPECT_EQ(match_route("GET", "/index.html").found, nullptr);
}

} // namespace
} // namespace courier::admin
