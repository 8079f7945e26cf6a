#include "tests/support/big_payloads.hpp"

#include "tests/support/emitter.hpp"

#include <fstream>
#include <random>

namespace courier::test {

void emit_big_to(const std::string& db_url, std::int64_t hook_id, int count, std::size_t bytes) {
  static const char hex[] = "0123456789abcdef";
  std::mt19937_64 rng{std::random_device{}()};
  pqxx::connection conn{db_url};
  pqxx::work tx{conn};
  for (int i = 0; i < count; ++i) {
    // jsonb prints ": " and ", ": leave room for them under courier's 1 MiB payload limit.
    std::string payload = "{\"n\":" + std::to_string(i + 1) + ",\"pad\":\"";
    const auto length = bytes - 16;
    while (payload.size() + 2 < length)
      for (auto r = rng(), k = r - r; k < 16 && payload.size() + 2 < length; ++k, r >>= 4)
        payload += hex[r & 15];
    payload += "\"}";
    emit_to(tx, hook_id, "bench.big", payload);
  }
  tx.commit();
}

long proc_status_kb(pid_t pid, const std::string& field) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  const auto prefix = field + ":";
  while (std::getline(status, line))
    if (line.rfind(prefix, 0) == 0)
      return std::stol(line.substr(prefix.size()));
  return -1;
}

} // namespace courier::test
