// Memory bounded in bytes (the short version of bench_budget_bench): hooks whose backlogs
// of 1 MiB events appear at once, to a slow subscriber, keep the node's peak RSS within
// its byte budget (plus a generous allowance), and every event still arrives in order.
#include "pg_test_base.hpp"

#include "tests/support/big_payloads.hpp"

#include <thread>

namespace courier::test {
namespace {

// The bound is about the allocator of a normal build: ASan's quarantine and TSan's
// shadow memory keep freed blocks, so sanitized runs check only delivery and order.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool rss_is_comparable = false;
#else
constexpr bool rss_is_comparable = true;
#endif

class byte_budget : public pg_test {};

TEST_F(byte_budget, big_backlogs_stay_within_the_nodes_budget) {
  constexpr int hooks = 8, events = 30;
  constexpr long budget_mib = 32, allowance_mib = 128;
  behaviour slow;
  slow.delay_ms = 100;
  sub_.set_default_behaviour(slow);
  // Every hook may fill the whole budget on its own: only the node-wide bound holds them.
  auto& node =
      start_node("n1", {"--max_buffered_bytes", std::to_string(budget_mib << 20),
                        "--max_prefetch_bytes_per_hook", std::to_string(budget_mib << 20)});
  ASSERT_TRUE(nodes_->wait_partitions("n1", 256, 60s));
  const long empty_kb = proc_status_kb(node.pid(), "VmRSS");
  ASSERT_GT(empty_kb, 0);

  std::vector<std::int64_t> ids;
  for (int h = 0; h < hooks; ++h)
    ids.push_back(hook("big" + std::to_string(h)));
  std::vector<std::thread> writers;
  for (auto id : ids)
    writers.emplace_back([&, id] { emit_big_to(db_, id, events, 1 << 20); });
  for (auto& w : writers)
    w.join();

  for (int h = 0; h < hooks; ++h)
    ASSERT_TRUE(delivered_through("big" + std::to_string(h), events, 180s))
        << "hook " << h << " got " << sub_.contiguous_seq("big" + std::to_string(h));
  const long peak_kb = proc_status_kb(node.pid(), "VmHWM");
  std::cout << "byte budget: empty " << empty_kb / 1024 << " MiB, peak " << peak_kb / 1024
            << " MiB with " << hooks * events << " MiB of events\n";
  if (rss_is_comparable)
    EXPECT_LE(peak_kb, empty_kb + ((budget_mib + allowance_mib) << 10));
  for (int h = 0; h < hooks; ++h)
    EXPECT_EQ(sub_.duplicates("big" + std::to_string(h)), 0u);
}

} // namespace
} // namespace courier::test
