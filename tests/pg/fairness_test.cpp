// Fair shares of the in-flight slots (DESIGN.md invariant 8), the short version of the
// fairness benchmark: a node with max_in_flight 4 and eight hooks whose subscriber
// accepts and never answers keeps its healthy hooks' latency, and loses nothing.
#include "pg_test_base.hpp"

#include "tests/support/steady_writer.hpp"

#include <algorithm>
#include <iostream>
#include <set>
#include <thread>

namespace courier::test {
namespace {

class fairness : public pg_test {};

TEST_F(fairness, hooks_that_hang_cannot_starve_the_others) {
  subscriber hung; // its own origin: accepts, reads the request, never answers
  behaviour hang;
  hang.hang = true;
  hung.set_default_behaviour(hang);
  std::vector<std::string> hung_names, ok_names;
  for (int i = 0; i < 8; ++i) {
    hung_names.push_back("stuck" + std::to_string(i));
    create_hook(db_, hung.url_for(hung_names.back()), random_secret());
  }
  for (int i = 0; i < 5; ++i) {
    ok_names.push_back("ok" + std::to_string(i));
    hook(ok_names.back());
  }
  // Twice as many hung hooks as slots; each attempt of theirs holds a slot for 5 s and
  // is retried at once (the test retry schedule starts at 20 ms).
  start_node("n1", {"--max_in_flight", "4", "--http_timeout_ms", "5000"});

  steady_writer writer{db_, 50ms}; // every hook gets every tick
  const auto started = steady_writer::clock::now();
  // The scenario's length, not an assertion: a first wave of hung attempts times out
  // and is retried twice over.
  std::this_thread::sleep_for(12s);
  writer.stop();
  EXPECT_GE(hung.count(), 4u) << "the hung hooks were not retried";
  ASSERT_EQ(writer.error(), "");
  const auto last = writer.last_seq();
  for (const auto& name : ok_names)
    ASSERT_TRUE(delivered_through(name, last, 30s))
        << name << " did not get every event within 30 s";

  std::vector<double> latencies_ms;
  for (const auto& name : ok_names) {
    std::set<std::int64_t> seen;
    for (const auto& d : sub_.received(name))
      if (d.status_sent >= 200 && d.status_sent < 300 && seen.insert(d.seq).second)
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(d.at - writer.committed_at(d.seq)).count());
    EXPECT_EQ(sub_.duplicates(name), 0u) << name;
  }
  ASSERT_EQ(latencies_ms.size(), ok_names.size() * static_cast<std::size_t>(last));
  std::sort(latencies_ms.begin(), latencies_ms.end());
  const double p50 = latencies_ms[latencies_ms.size() / 2];
  const double p99 = latencies_ms[latencies_ms.size() * 99 / 100];
  std::cout << "[fairness] " << latencies_ms.size() << " healthy deliveries over "
            << std::chrono::duration<double>(steady_writer::clock::now() - started).count()
            << " s beside " << hung.count() << " hung attempts: p50 " << p50 << " ms, p99 " << p99
            << " ms, max " << latencies_ms.back() << " ms\n";
  // Generous for a loaded machine; sharing a FIFO with the hung attempts costs seconds.
  EXPECT_LT(p99, 1000.0);
  EXPECT_TRUE(sub_.order_violations().empty());

  // The hung hooks lost nothing either: all their events are still waiting.
  for (const auto& name : hung_names)
    EXPECT_EQ(
        scalar("SELECT backlog FROM courier.hook_status WHERE url = '" + hung.url_for(name) + "'"),
        last)
        << name;
}

} // namespace
} // namespace courier::test
