#include "tests/support/paced_load.hpp"

#include "tests/support/emitter.hpp"
#include "tests/support/subscriber.hpp"

#include <pqxx/pqxx>

#include <thread>

namespace courier::test {

send_times emit_paced(const std::string& db_url, const std::vector<std::int64_t>& hooks,
                      const std::string& type, long rate, long seconds) {
  send_times sent;
  pqxx::connection conn{db_url};
  const auto period = std::chrono::nanoseconds{1000000000L / rate};
  auto next = std::chrono::steady_clock::now();
  for (long i = 0; i < rate * seconds; ++i) {
    std::this_thread::sleep_until(next);
    next += period;
    const auto t = std::chrono::steady_clock::now();
    pqxx::work tx{conn};
    const auto id = emit_to(tx, hooks[static_cast<std::size_t>(i) % hooks.size()], type,
                            R"({"i":)" + std::to_string(i) + "}");
    tx.commit();
    sent["msg_" + std::to_string(id) + "_"] = t;
  }
  return sent;
}

std::string send_key(const delivery& d) {
  return d.webhook_id.substr(0, d.webhook_id.rfind('_') + 1);
}

} // namespace courier::test
