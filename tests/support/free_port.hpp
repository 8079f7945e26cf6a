#pragma once
// Loopback ports for test servers that cannot bind port 0 and report back (Postgres,
// Prometheus, a node whose port goes into a scrape config): below 32768, so they never
// collide with the kernel's ephemeral range. Stateless; callable from any thread.
#include <vector>

namespace courier::test {

// True when nothing listens on (or holds) 127.0.0.1:port right now.
bool port_free(int port);

// Up to `count` ports in 20000-29999 that are free right now, in a pid-dependent order
// so parallel test binaries rarely pick the same ones. Whoever binds first wins: a
// caller tries them in turn.
std::vector<int> candidate_ports(int count = 8);

} // namespace courier::test
