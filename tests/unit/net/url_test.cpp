#include <gtest/gtest.h>

#include "net/url.hpp"

namespace courier::net {
namespace {

TEST(url, parses_a_full_https_url) {
  auto u = parse_url("https://Hooks.Example.com:8443/in/bound?x=1&y=2");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "hooks.example.com");
  EXPECT_EQ(u->port, "8443");
  EXPECT_EQ(u->target, "/in/bound?x=1&y=2");
  EXPECT_EQ(u->origin(), "https://hooks.example.com:8443");
}

TEST(url, fills_in_defaults) {
  auto u = parse_url("HTTP://example.com");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->origin(), "http://example.com:80");
  auto s = parse_url("https://example.com?q=1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->port, "443");
  EXPECT_EQ(s->target, "/?q=1");
}

TEST(url, handles_ip_literals) {
  auto v6 = parse_url("http://[2001:DB8::1]:8080/x");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "2001:db8::1");
  EXPECT_EQ(v6->port, "8080");
  EXPECT_EQ(v6->origin(), "http://[2001:db8::1]:8080");
  auto v6_default = parse_url("https://[::1]");
  ASSERT_TRUE(v6_default);
  EXPECT_EQ(v6_default->host, "::1");
  EXPECT_EQ(v6_default->port, "443");
  auto v4 = parse_url("http://127.0.0.1:1/");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, "1");
}

TEST(url, normalizes_the_port) {
  auto u = parse_url("http://example.com:0080/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, "80");
  EXPECT_EQ(u->origin(), parse_url("http://example.com/")->origin());
}

TEST(url, rejects_bad_urls_with_a_reason) {
  const char* bad[] = {
      "",
      "example.com/path",
      "ftp://example.com/",
      "https:/example.com/",
      "https://",
      "https:///path",
      "https://:443/",
      "https://user:pw@example.com/",
      "https://user@example.com/",
      "https://example.com/#frag",
      "https://example.com/a b",
      "https://example.com/\tx",
      "https://exa mple.com/",
      "https://example.com/\x01",
      "https://example.com/\xc3\xa9",
      "https://example.com:0/",
      "https://example.com:65536/",
      "https://example.com:99999999/",
      "https://example.com:-1/",
      "https://example.com:http/",
      "https://example.com:/",
      "https://[::1/",
      "https://[::1]x/",
      "https://[not-an-ip]/",
      "https://[fe80::1%25eth0]/",
      "https://::1/",
      "https://exa%mple.com/",
  };
  for (const char* text : bad) {
    std::string error;
    EXPECT_FALSE(parse_url(text, &error)) << text;
    EXPECT_FALSE(error.empty()) << text;
  }
}

TEST(url, limits_the_length) {
  std::string base = "https://example.com/";
  EXPECT_TRUE(parse_url(base + std::string(2048 - base.size(), 'a')));
  EXPECT_FALSE(parse_url(base + std::string(2049 - base.size(), 'a')));
}

TEST(url, error_pointer_is_optional) {
  EXPECT_FALSE(parse_url("nope"));
}

} // namespace
} // namespace courier::net
