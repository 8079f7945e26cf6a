// Idle hooks keep no delivery actor (passivate_after_ms): a new event wakes the hook
// promptly, and a hook that goes idle and wakes again and again neither skips nor
// redelivers an event.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/admin_client.hpp"

#include <map>
#include <thread>

namespace courier::test {
namespace {

class passivation : public pg_test {
protected:
  // Running delivery actors of the node, from its /metrics; -1 when unreadable.
  static int running_deliverers(unsigned short port) {
    auto reply = admin_request(port, "GET", "/metrics");
    const std::string series = "courier_actors{actor_type=\"delivery\"} ";
    auto at = reply.body.find(series);
    if (reply.status != 200 || at == std::string::npos)
      return -1;
    return std::stoi(reply.body.substr(at + series.size()));
  }

  static bool wait_deliverers(unsigned short port, int count, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (running_deliverers(port) != count) {
      if (std::chrono::steady_clock::now() > deadline)
        return false;
      std::this_thread::sleep_for(20ms);
    }
    return true;
  }
};

TEST_F(passivation, a_passivated_hook_wakes_on_a_new_event_promptly) {
  hook("a");
  hook("b");
  auto& node = start_node("n1", {"--passivate_after_ms", "200"});
  const auto port = wait_admin_port(node, 30s);
  ASSERT_TRUE(port) << node.log();
  // Hooks with nothing to send get no actor at all when the partition is taken.
  ASSERT_TRUE(wait_deliverers(*port, 0, 10s)) << running_deliverers(*port);
  emit(db_, "first", "{}");
  ASSERT_TRUE(delivered_through("a", 1));
  ASSERT_TRUE(delivered_through("b", 1));
  ASSERT_TRUE(wait_deliverers(*port, 0, 10s)) << "still running: " << running_deliverers(*port);

  const auto emitted = std::chrono::steady_clock::now();
  emit(db_, "second", "{}");
  ASSERT_TRUE(delivered_through("a", 2, 10s));
  const auto latency = std::chrono::steady_clock::now() - emitted;
  std::cerr << "[passivation] emit -> delivery of a passivated hook: "
            << std::chrono::duration<double, std::milli>(latency).count() << " ms\n";
  EXPECT_LT(latency, 2s) << "woken by NOTIFY, not by the backlog scan";
}

TEST_F(passivation, idling_and_waking_repeatedly_never_redelivers_or_skips) {
  const auto id = hook("r");
  auto& node = start_node("n1", {"--passivate_after_ms", "20", "--cursor_flush_interval_ms",
                                 "1000"}); // the durable cursor lags the passivations
  const auto port = wait_admin_port(node, 30s);
  ASSERT_TRUE(port) << node.log();
  constexpr int cycles = 30;
  int passivated = 0;
  for (int i = 1; i <= cycles; ++i) {
    emit_to(db_, id, "tick", "{\"n\":" + std::to_string(i) + "}");
    ASSERT_TRUE(delivered_through("r", i)) << "cycle " << i;
    if (wait_deliverers(*port, 0, 2s))
      ++passivated;
  }
  EXPECT_GE(passivated, cycles / 2) << "the hook hardly ever passivated";
  std::map<std::int64_t, int> times;
  for (const auto& d : sub_.received("r"))
    ++times[d.seq];
  ASSERT_EQ(times.size(), static_cast<std::size_t>(cycles));
  for (const auto& [seq, n] : times)
    EXPECT_EQ(n, 1) << "seq " << seq << " delivered " << n << " times";
  EXPECT_EQ(times.begin()->first, 1);
  EXPECT_EQ(times.rbegin()->first, cycles);
}

} // namespace
} // namespace courier::test
