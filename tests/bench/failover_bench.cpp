// Failover and rebalance timing with the default lease settings. Prints one JSON line.
//   bench_failover_bench [--runs 5] [--hooks 200]
// Failover: two nodes share the partitions while a writer emits continuously; one is
// killed with SIGKILL; time from the kill to the first delivery of a hook it owned.
// Rebalance: time from starting a joining node until the split is settled (±1).
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <thread>

using namespace courier::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

double wait_settled(node_harness& nodes, const std::vector<std::string>& live) {
  auto start = steady::now();
  nodes.wait_balanced(live, 256, 120s);
  return std::chrono::duration<double>(steady::now() - start).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1 : v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
  int runs = 5, hooks = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--runs")
      runs = std::stoi(argv[i + 1]);
    else if (key == "--hooks")
      hooks = std::stoi(argv[i + 1]);
  }
  auto db = pg_instance::shared().create_database("failover");
  subscriber_options opts;
  opts.keep_bodies = false;
  subscriber sub{opts};
  std::vector<std::int64_t> ids;
  for (int h = 0; h < hooks; ++h)
    ids.push_back(create_hook(db, sub.url_for(std::to_string(h)), random_secret()));
  // Default lease settings: only the test conveniences (admin port, loopback targets).
  node_harness nodes{db,
                     {"--lease_self_expiry_ms", "5000", "--lease_tick_ms", "500",
                      "--retry_schedule", "100ms,500ms", "--log_level", "warn"}};
  std::atomic<bool> writing{true};
  std::thread writer{[&] {
    pqxx::connection conn{db};
    while (writing) {
      pqxx::work tx{conn};
      tx.exec("SELECT courier.emit('tick', '{}')"); // to every hook
      tx.commit();
      std::this_thread::sleep_for(20ms);
    }
  }};

  std::vector<double> failover_s, rebalance_s;
  int next_id = 0;
  std::string survivor = "n" + std::to_string(next_id++);
  nodes.start(survivor);
  wait_settled(nodes, {survivor});
  for (int run = 0; run < runs; ++run) {
    auto victim = "n" + std::to_string(next_id++);
    auto join_start = steady::now();
    nodes.start(victim);
    wait_settled(nodes, {survivor, victim});
    rebalance_s.push_back(std::chrono::duration<double>(steady::now() - join_start).count());
    std::this_thread::sleep_for(1s);
    // The victim's hooks, by path, from the ownership view.
    std::set<std::string> owned;
    {
      pqxx::connection conn{db};
      pqxx::nontransaction tx{conn};
      for (const auto& row :
           tx.exec_params("SELECT url FROM courier.hook_status WHERE owner_node = $1", victim))
        owned.insert(row[0].as<std::string>().substr(sub.base_url().size()));
    }
    auto killed_at = steady::now();
    nodes.node(victim).kill9();
    std::this_thread::sleep_for(50ms);
    double first = -1;
    while (first < 0 && steady::now() - killed_at < 60s) {
      for (const auto& d : sub.received_all())
        if (d.at > killed_at + 50ms && owned.count(d.path) > 0) {
          double s = std::chrono::duration<double>(d.at - killed_at).count();
          first = first < 0 ? s : std::min(first, s);
        }
      if (first < 0)
        std::this_thread::sleep_for(20ms);
    }
    failover_s.push_back(first);
    nodes.forget(victim);
    wait_settled(nodes, {survivor});
  }
  writing = false;
  writer.join();
  std::cout << "{\"bench\":\"failover\",\"runs\":" << runs << ",\"hooks\":" << hooks
            << ",\"failover_median_s\":" << median(failover_s)
            << ",\"failover_max_s\":" << *std::max_element(failover_s.begin(), failover_s.end())
            << ",\"rebalance_join_median_s\":" << median(rebalance_s)
            << ",\"rebalance_join_max_s\":"
            << *std::max_element(rebalance_s.begin(), rebalance_s.end())
            << ",\"order_violations\":" << sub.order_violations().size() << "}" << std::endl;
  return 0;
}
