// host:port parsing and the loopback test behind admin_token.
#include "config/listen_address.hpp"

#include <gtest/gtest.h>

namespace courier::config {
namespace {

TEST(host_port, parses_ipv4_names_and_bracketed_ipv6) {
  auto hp = parse_host_port("127.0.0.1:8480");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 8480);
  hp = parse_host_port("[::1]:1");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "::1");
  EXPECT_EQ(hp->port, 1);
  EXPECT_EQ(parse_host_port("127.0.0.1:0")->port, 0); // the kernel picks
  hp = parse_host_port("node-a.internal:65535");
  ASSERT_TRUE(hp);
  EXPECT_EQ(hp->host, "node-a.internal");
}

TEST(host_port, rejects_malformed) {
  for (const char* bad : {"", "8480", ":8480", "h:", "h:65536", "h:-1", "h:80x", "::1:80", "[::1]",
                          "[::1]:", "[::1:80", "[zz]:80", "h h:80", "h:123456"})
    EXPECT_FALSE(parse_host_port(bad)) << bad;
}

TEST(loopback, recognises_loopback_hosts) {
  for (const char* host : {"127.0.0.1", "127.255.0.9", "::1", "0:0:0:0:0:0:0:1", "localhost",
                           "LocalHost", "::ffff:127.0.0.1"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (const char* host : {"0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.evil.com",
                           "127.0.0.1.nip.io", "", "example.com"})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

} // namespace
} // namespace courier::config
