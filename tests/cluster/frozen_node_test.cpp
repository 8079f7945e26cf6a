// A node frozen (SIGSTOP) past its self-expiry: the survivor ends its lease session
// and takes its partitions; when the frozen node wakes it must deliver nothing until it
// has lost its old leases and acquired new ones. Deliveries are attributed to nodes by
// the sender's TCP port (tests/support/socket_owner).
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/log_times.hpp"
#include "tests/support/socket_owner.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <thread>

namespace courier::test {
namespace {

using wall = std::chrono::system_clock;

class frozen_node : public pg_test {};

TEST_F(frozen_node, delivers_nothing_after_waking_until_it_holds_leases_again) {
  std::vector<std::int64_t> ids;
  for (int h = 0; h < 20; ++h)
    ids.push_back(hook("h" + std::to_string(h)));
  // Slow answers and two request slots keep `a` saturated: at any instant it has
  // requests queued in its HTTP client, which would go out the moment it wakes were
  // they not fenced by the expired lease.
  behaviour slow;
  slow.delay_ms = 100;
  sub_.set_default_behaviour(slow);
  auto& a = start_node("a", {"--max_in_flight", "2"});
  auto& b = start_node("b");
  ASSERT_TRUE(nodes_->wait_balanced({"a", "b"}, 256, 30s));

  std::atomic<bool> running{true};
  port_owner_sampler sampler{{a.pid(), b.pid()}};
  std::thread writer{[&] {
    pqxx::connection conn{db_};
    while (running) {
      pqxx::work tx{conn};
      tx.exec("SELECT courier.emit('tick', '{}')");
      tx.commit();
      std::this_thread::sleep_for(500ms);
    }
  }};
  std::this_thread::sleep_for(2s);
  a.freeze(); // self-expiry 2 s; b ends a's lease session after 4 s of silence
  std::this_thread::sleep_for(6s);
  auto thawed_steady = std::chrono::steady_clock::now();
  auto thawed_wall = wall::now();
  a.thaw();
  ASSERT_TRUE(nodes_->wait_balanced({"a", "b"}, 256, 30s));
  std::this_thread::sleep_for(2s);
  running = false;
  writer.join();
  auto owners = sampler.stop();

  auto total = scalar("SELECT next_seq - 1 FROM courier.streams LIMIT 1");
  for (int h = 0; h < 20; ++h)
    ASSERT_TRUE(delivered_through("h" + std::to_string(h), total, 30s));
  EXPECT_TRUE(sub_.order_violations().empty());

  // When did `a` hold leases again after waking? Its first acquisition after the thaw.
  auto log = a.log();
  auto lost = log_times(log, "lost all");
  auto acquired = log_times(log, "acquired");
  ASSERT_FALSE(lost.empty()) << "the frozen node never noticed it lost its leases\n" << log;
  wall::time_point reacquired{};
  for (auto t : acquired)
    if (t >= thawed_wall) {
      reacquired = t;
      break;
    }
  ASSERT_NE(reacquired, wall::time_point{}) << log;
  auto reacquired_steady = thawed_steady + (reacquired - thawed_wall);
  int from_a_after_thaw = 0, from_a_too_early = 0, unattributed = 0;
  for (const auto& d : sub_.received_all()) {
    if (d.at < thawed_steady)
      continue;
    auto it = owners.find(d.peer_port);
    if (it == owners.end()) {
      ++unattributed;
      continue;
    }
    if (it->second != a.pid())
      continue;
    ++from_a_after_thaw;
    // The log line is written just after the acquisition; allow its millisecond rounding.
    if (d.at + 2ms < reacquired_steady)
      ++from_a_too_early;
  }
  std::cout << "[frozen] deliveries by the woken node: " << from_a_after_thaw
            << ", unattributed: " << unattributed << "\n";
  EXPECT_EQ(from_a_too_early, 0) << "the woken node delivered before re-acquiring a lease";
  EXPECT_GT(from_a_after_thaw, 0) << "the woken node never delivered again";
  EXPECT_TRUE(b.running());
}

} // namespace
} // namespace courier::test
