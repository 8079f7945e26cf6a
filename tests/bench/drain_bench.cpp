// End-to-end drain and live-latency benchmark for one node. Prints one JSON line.
//   bench_drain_bench [--events N] [--hooks H] [--idle-hooks I] [--rate R] [--live-seconds S]
//                     [--attempt-log 0|1]
// Drain: N events pre-loaded over H hooks, then one node delivers them to a fast
// local subscriber. With --idle-hooks the node also hosts I hooks that get no events
// (issue 8's 100,000-hook variant: 1,000 hooks with the backlog among 100,000). Live: R events/s,
// one per transaction, spread over 50 more hooks; emit->delivery latency percentiles. Peak RSS of
// courierd from /proc (VmHWM). The node keeps its attempt log (courier.attempts) unless
// --attempt-log 0.
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/paced_load.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <thread>

using namespace courier::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::map<std::string, long> parse_args(int argc, char** argv) {
  std::map<std::string, long> out{{"events", 200000}, {"hooks", 1000},      {"idle-hooks", 0},
                                  {"rate", 1000},     {"live-seconds", 10}, {"attempt-log", 1}};
  for (int i = 1; i + 1 < argc; i += 2)
    out[std::string{argv[i]}.substr(2)] = std::stol(argv[i + 1]);
  return out;
}

long peak_rss_kb(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stol(line.substr(6));
  return -1;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return -1;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

} // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  const long events = args["events"], hooks = args["hooks"];
  auto db = pg_instance::shared().create_database("bench");
  subscriber_options opts;
  opts.keep_bodies = false;
  opts.threads = 2;
  subscriber sub{opts};
  std::vector<std::int64_t> ids;
  for (long h = 0; h < hooks; ++h)
    ids.push_back(create_hook(db, sub.url_for("h" + std::to_string(h)), random_secret()));

  if (args["idle-hooks"] > 0) {
    pqxx::connection conn{db};
    pqxx::work tx{conn};
    tx.exec_params("SELECT count(courier.create_hook($1 || i, $2)) FROM generate_series(1, $3) i",
                   sub.url_for("idle"), random_secret(), args["idle-hooks"]);
    tx.commit();
  }

  // Pre-load: batched emits, one statement per hook per transaction.
  auto load_start = steady::now();
  {
    pqxx::connection conn{db};
    const long per_hook = events / hooks;
    for (long base = 0; base < hooks; base += 100) {
      pqxx::work tx{conn};
      for (long h = base; h < std::min(hooks, base + 100); ++h)
        tx.exec_params(
            "SELECT count(courier.emit_to($1, 'bench.drain', jsonb_build_object('i', g))) "
            "FROM generate_series(1, $2) g",
            ids[h], per_hook);
      tx.commit();
    }
  }
  const long loaded = (events / hooks) * hooks;
  double load_s = std::chrono::duration<double>(steady::now() - load_start).count();

  node_harness nodes{db};
  auto drain_start = steady::now();
  const bool attempt_log = args["attempt-log"] != 0;
  // Production lease and poll timings (the harness's are for fast tests).
  auto& node =
      nodes.start("bench", {"--max_in_flight", "512", "--log_level", "warn", "--attempt_log",
                            attempt_log ? "true" : "false", "--lease_self_expiry_ms", "5000",
                            "--lease_tick_ms", "500", "--poll_interval_ms", "2000"});
  // Polled every millisecond rather than woken on every request: a waiter woken 30,000
  // times a second would take its share of the two cores from the node it measures.
  bool drained = false;
  for (auto give_up = drain_start + std::chrono::seconds{600};
       !drained && steady::now() < give_up;) {
    std::this_thread::sleep_for(1ms);
    drained = sub.count() >= static_cast<std::size_t>(loaded);
  }
  double drain_s = std::chrono::duration<double>(steady::now() - drain_start).count();
  // Where the drain's time went: the node's start until its first delivery, and the rate
  // between the 10th and the 90th percentile of arrivals (without the start and the tail,
  // when fewer hooks than the subscriber's capacity still have events).
  double first_delivery_s = -1, steady_rate = -1;
  if (drained) {
    std::vector<steady::time_point> arrivals;
    for (const auto& d : sub.received_all())
      arrivals.push_back(d.at);
    const auto at = [&](double share) {
      return arrivals[static_cast<std::size_t>(share * static_cast<double>(arrivals.size() - 1))];
    };
    first_delivery_s = std::chrono::duration<double>(arrivals.front() - drain_start).count();
    steady_rate = 0.8 * static_cast<double>(arrivals.size()) /
                  std::chrono::duration<double>(at(0.9) - at(0.1)).count();
  }

  // Live: one event per transaction at a fixed rate, latency measured per event.
  subscriber_options live_opts;
  live_opts.keep_bodies = true;
  subscriber live{live_opts};
  std::vector<std::int64_t> live_ids;
  for (int h = 0; h < 50; ++h)
    live_ids.push_back(
        create_hook(db, live.url_for("l" + std::to_string(h)), random_secret(), {"bench.live"}));
  std::this_thread::sleep_for(1s); // the node picks up the new hooks
  const long rate = args["rate"], seconds = args["live-seconds"];
  auto sent = emit_paced(db, live_ids, "bench.live", rate, seconds);
  const auto live_expected = static_cast<std::size_t>(rate * seconds);
  live.wait_for([&] { return live.count() >= live_expected; }, 60s);
  std::vector<double> latencies_ms;
  for (const auto& d : live.received_all()) {
    auto it = sent.find(send_key(d));
    if (it != sent.end() && d.attempt == 1)
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(d.at - it->second).count());
  }
  long rss = peak_rss_kb(node.pid());
  nodes.stop("bench");

  std::cout << "{\"bench\":\"drain\",\"events\":" << loaded << ",\"hooks\":" << hooks
            << ",\"idle_hooks\":" << args["idle-hooks"]
            << ",\"attempt_log\":" << (attempt_log ? "true" : "false")
            << ",\"drained\":" << (drained ? "true" : "false") << ",\"preload_s\":" << load_s
            << ",\"drain_s\":" << drain_s
            << ",\"drain_events_per_s\":" << static_cast<long>(loaded / drain_s)
            << ",\"first_delivery_s\":" << first_delivery_s
            << ",\"steady_events_per_s\":" << static_cast<long>(steady_rate)
            << ",\"live_rate\":" << rate << ",\"live_hooks\":" << live_ids.size()
            << ",\"live_deliveries\":" << latencies_ms.size()
            << ",\"live_p50_ms\":" << percentile(latencies_ms, 0.50)
            << ",\"live_p99_ms\":" << percentile(latencies_ms, 0.99)
            << ",\"peak_rss_mb\":" << rss / 1024 << "}" << std::endl;
  return drained ? 0 : 1;
}
