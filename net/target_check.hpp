#pragma once
// The SSRF guard applied ahead of time, where a hook's URL is accepted (admin API), so an
// operator hears at once that deliveries would be refused. Blocking (getaddrinfo on the
// calling thread): call it from a worker thread, never from an event loop.
#include "net/url.hpp"

#include <optional>
#include <string>

namespace courier::net {

// Resolves the target's host (an IP literal is taken as is) and refuses it when none of
// its addresses passes is_private_address — the rule the HTTP client applies again at
// every send, on the addresses it connects to. nullopt when a delivery may go out;
// otherwise why not, in one line (a host that does not resolve is refused too: nothing
// could be sent to it).
std::optional<std::string> target_refusal(const url& target);

} // namespace courier::net
