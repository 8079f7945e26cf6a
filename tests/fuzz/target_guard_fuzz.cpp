// Addresses through net::is_private_address: any text (unparsable counts as private),
// and addresses built from the input's bytes and printed as the client prints resolved
// endpoints. An IPv4 address and its IPv4-mapped and NAT64 IPv6 forms must get the same
// verdict (the packet ends up at the same IPv4 host), and so must any spelling of one
// IPv6 address.
#include <boost/asio/ip/address.hpp>
#include <cstdio>
#include <cstring>

#include "net/target_guard.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace courier;
namespace ip = boost::asio::ip;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto text = fuzz::as_text(data, size);
  bool verdict = net::is_private_address(text);
  boost::system::error_code ec;
  ip::make_address(std::string(text), ec);
  COURIER_FUZZ_CHECK(!ec || verdict); // unparsable text is refused

  if (size >= 4) {
    ip::address_v4::bytes_type v4_bytes;
    std::memcpy(v4_bytes.data(), data, 4);
    auto v4 = ip::address_v4(v4_bytes).to_string();
    bool v4_private = net::is_private_address(v4);
    COURIER_FUZZ_CHECK(net::is_private_address("::ffff:" + v4) == v4_private);
    COURIER_FUZZ_CHECK(net::is_private_address("64:ff9b::" + v4) == v4_private);
    char six_to_four[32]; // 2002:AABB:CCDD::/48 routes to the embedded IPv4 address
    std::snprintf(six_to_four, sizeof six_to_four, "2002:%x:%x::1", data[0] << 8 | data[1],
                  data[2] << 8 | data[3]);
    COURIER_FUZZ_CHECK(net::is_private_address(six_to_four) == v4_private);
  }
  if (size >= 16) {
    ip::address_v6::bytes_type v6_bytes;
    std::memcpy(v6_bytes.data(), data, 16);
    // Boost's compressed form (as resolved endpoints are printed) and the full one.
    auto compressed = ip::address_v6(v6_bytes).to_string();
    char full[40];
    std::snprintf(full, sizeof full, "%x:%x:%x:%x:%x:%x:%x:%x", data[0] << 8 | data[1],
                  data[2] << 8 | data[3], data[4] << 8 | data[5], data[6] << 8 | data[7],
                  data[8] << 8 | data[9], data[10] << 8 | data[11], data[12] << 8 | data[13],
                  data[14] << 8 | data[15]);
    COURIER_FUZZ_CHECK(net::is_private_address(compressed) == net::is_private_address(full));
  }
  return 0;
}
