#pragma once
// SSRF guard: which resolved addresses a delivery may connect to when
// allow_private_targets=false. Checked after DNS resolution, on the address that is
// actually connected to (so DNS rebinding cannot slip past).
#include <string_view>

namespace courier::net {

// True for loopback, unspecified, private (RFC 1918, fc00::/7), CGNAT (100.64/10),
// link-local (169.254/16 incl. cloud metadata, fe80::/10), multicast, broadcast,
// and IPv4-mapped/compatible IPv6 forms of those. Unparsable text counts as private.
bool is_private_address(std::string_view ip_literal);

} // namespace courier::net
