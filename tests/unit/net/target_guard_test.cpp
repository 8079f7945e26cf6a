#include <gtest/gtest.h>

#include "net/target_guard.hpp"

namespace courier::net {
namespace {

TEST(target_guard, refuses_private_and_special_addresses) {
  const char* private_ips[] = {
      "0.0.0.0",
      "0.1.2.3",
      "10.0.0.1",
      "10.255.255.255",
      "100.64.0.1",
      "100.127.255.255",
      "127.0.0.1",
      "127.8.9.10",
      "169.254.169.254",
      "169.254.0.1",
      "172.16.0.1",
      "172.31.255.255",
      "192.0.0.8",
      "192.168.1.1",
      "198.18.0.1",
      "198.19.255.255",
      "224.0.0.1",
      "239.255.255.250",
      "240.0.0.1",
      "255.255.255.255",
      "::",
      "::1",
      "fc00::1",
      "fd12:3456::1",
      "fe80::1",
      "febf::1",
      "ff02::1",
      "::ffff:127.0.0.1",
      "::ffff:10.1.2.3",
      "::ffff:169.254.169.254",
      "::127.0.0.1",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b::7f00:1",
      "2002:7f00:1::1",
      "not an ip",
      "",
      "1.2.3",
      "example.com",
  };
  for (const char* ip : private_ips)
    EXPECT_TRUE(is_private_address(ip)) << ip;
}

TEST(target_guard, allows_public_addresses) {
  const char* public_ips[] = {
      "8.8.8.8",         "1.1.1.1",          "100.63.255.255",
      "100.128.0.0",     "172.15.255.255",   "172.32.0.0",
      "192.0.1.1",       "192.169.0.1",      "198.17.255.255",
      "198.20.0.0",      "223.255.255.255",  "11.0.0.1",
      "126.255.255.255", "2606:4700::1111",  "2001:4860:4860::8888",
      "::ffff:8.8.8.8",  "64:ff9b::808:808", "2002:808:808::1",
  };
  for (const char* ip : public_ips)
    EXPECT_FALSE(is_private_address(ip)) << ip;
}

} // namespace
} // namespace courier::net
