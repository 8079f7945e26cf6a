#pragma once
// What the byte-budget benchmark and its short pg test share: events with large payloads
// that Postgres cannot compress away, and a process's memory figures from /proc.
// Stateless, thread-safe.
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace courier::test {

// Commits `count` events to one hook in one transaction (they appear at once, as a
// backlog), each a JSON object whose text is just under `bytes` long (random hex: pglz
// barely shrinks it).
void emit_big_to(const std::string& db_url, std::int64_t hook_id, int count, std::size_t bytes);

// A field of /proc/<pid>/status in KiB (e.g. "VmRSS", "VmHWM"); -1 when unreadable.
long proc_status_kb(pid_t pid, const std::string& field);

} // namespace courier::test
