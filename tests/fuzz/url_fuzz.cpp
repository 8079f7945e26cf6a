// Hook target URLs through net::parse_url. A parsed URL must be well-formed and must
// parse again, from its origin and target, to the same URL (what the pool keys on and
// what the request line carries).
#include "net/target_guard.hpp"
#include "net/url.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using namespace courier;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string error;
  auto parsed = net::parse_url(fuzz::as_text(data, size), &error);
  if (!parsed) {
    COURIER_FUZZ_CHECK(!error.empty());
    return 0;
  }
  COURIER_FUZZ_CHECK(parsed->scheme == "http" || parsed->scheme == "https");
  COURIER_FUZZ_CHECK(!parsed->host.empty());
  COURIER_FUZZ_CHECK(!parsed->port.empty() && parsed->port.front() != '0' &&
                     std::stoul(parsed->port) <= 65535);
  COURIER_FUZZ_CHECK(!parsed->target.empty() && parsed->target.front() == '/');
  auto again = net::parse_url(parsed->origin() + parsed->target);
  COURIER_FUZZ_CHECK(again && again->scheme == parsed->scheme && again->host == parsed->host &&
                     again->port == parsed->port && again->target == parsed->target);
  // The client checks literal hosts with the guard before connecting.
  (void)net::is_private_address(parsed->host);
  return 0;
}
