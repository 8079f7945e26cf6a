#include "net/target_guard.hpp"

#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>

namespace courier::net {

namespace {

struct v4_range {
  std::uint32_t base;
  int prefix;
};

constexpr std::uint32_t v4(unsigned a, unsigned b, unsigned c, unsigned d) {
  return (a << 24) | (b << 16) | (c << 8) | d;
}

// Ranges a webhook must never reach: this host, private networks, link-local
// (incl. 169.254.169.254 metadata), CGNAT, IETF/benchmark blocks, multicast and
// the reserved 240/4 that includes the broadcast address.
constexpr std::array<v4_range, 10> private_v4{{
    {v4(0, 0, 0, 0), 8},
    {v4(10, 0, 0, 0), 8},
    {v4(100, 64, 0, 0), 10},
    {v4(127, 0, 0, 0), 8},
    {v4(169, 254, 0, 0), 16},
    {v4(172, 16, 0, 0), 12},
    {v4(192, 0, 0, 0), 24},
    {v4(192, 168, 0, 0), 16},
    {v4(198, 18, 0, 0), 15},
    {v4(224, 0, 0, 0), 3}, // 224/4 multicast + 240/4 reserved/broadcast
}};

bool is_private_v4(std::uint32_t ip) {
  for (const auto& r : private_v4) {
    std::uint32_t mask = r.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - r.prefix);
    if ((ip & mask) == r.base)
      return true;
  }
  return false;
}

std::uint32_t v4_at(const boost::asio::ip::address_v6::bytes_type& b, std::size_t offset) {
  return (std::uint32_t{b[offset]} << 24) | (std::uint32_t{b[offset + 1]} << 16) |
         (std::uint32_t{b[offset + 2]} << 8) | std::uint32_t{b[offset + 3]};
}

bool all_zero(const boost::asio::ip::address_v6::bytes_type& b, std::size_t from, std::size_t to) {
  for (auto i = from; i < to; ++i)
    if (b[i] != 0)
      return false;
  return true;
}

bool is_private_v6(const boost::asio::ip::address_v6& addr) {
  auto b = addr.to_bytes();
  if (addr.is_unspecified() || addr.is_loopback())
    return true;
  if ((b[0] & 0xfe) == 0xfc) // fc00::/7 unique local
    return true;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) // fe80::/10 link-local
    return true;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) // fec0::/10 deprecated site-local
    return true;
  if (b[0] == 0xff) // multicast
    return true;
  // Forms that carry an IPv4 address the packet may end up at: judge that one.
  if (all_zero(b, 0, 10) && b[10] == 0xff && b[11] == 0xff) // ::ffff:a.b.c.d mapped
    return is_private_v4(v4_at(b, 12));
  if (all_zero(b, 0, 12)) // ::a.b.c.d compatible (:: and ::1 handled above)
    return is_private_v4(v4_at(b, 12));
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
    if (all_zero(b, 4, 12)) // 64:ff9b::/96 well-known NAT64
      return is_private_v4(v4_at(b, 12));
    if (b[4] == 0x00 && b[5] == 0x01) // 64:ff9b:1::/48 local-use NAT64
      return true;
  }
  if (b[0] == 0x20 && b[1] == 0x02) // 2002::/16 6to4 embeds the v4 address next
    return is_private_v4(v4_at(b, 2));
  return false;
}

} // namespace

bool is_private_address(std::string_view ip_literal) {
  boost::system::error_code ec;
  auto addr = boost::asio::ip::make_address(std::string(ip_literal), ec);
  if (ec)
    return true;
  if (addr.is_v4())
    return is_private_v4(addr.to_v4().to_uint());
  return is_private_v6(addr.to_v6());
}

} // namespace courier::net
