// Byte-budget benchmark (issue 8, part 4): memory bounded in bytes, not events. Prints
// one JSON line.
//   bench_budget_bench [--hooks H] [--events N] [--event-kib K] [--delay-ms D]
// H hooks get N events of K KiB each (incompressible) while their subscriber waits D ms
// per request. Three runs, each on a fresh database and node: the defaults
// (max_buffered_bytes 256 MiB, 1 MiB per hook), a 32 MiB budget with the default
// per-hook cap, and a 32 MiB budget that every hook may fill on its own (per-hook cap
// 32 MiB: only the node-wide budget binds). Each reports the node's RSS once it holds
// its partitions with no hooks (empty), its peak (VmHWM) and its RSS after the drain,
// against the targets peak <= empty + max_buffered_bytes + 64 MiB and after <= empty +
// 64 MiB.
#include "tests/support/big_payloads.hpp"
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <iostream>
#include <sstream>
#include <thread>

using namespace courier::test;
using namespace std::chrono_literals;

namespace {

struct options {
  int hooks = 8;
  int events = 60;
  long event_kib = 1024;
  int delay_ms = 500;
};

options parse_args(int argc, char** argv) {
  options out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    long value = std::stol(argv[i + 1]);
    if (key == "--hooks")
      out.hooks = static_cast<int>(value);
    else if (key == "--events")
      out.events = static_cast<int>(value);
    else if (key == "--event-kib")
      out.event_kib = value;
    else if (key == "--delay-ms")
      out.delay_ms = static_cast<int>(value);
    else
      throw std::invalid_argument("unknown argument " + key);
  }
  return out;
}

std::string run(const options& opt, long budget_mib, long per_hook_mib) {
  auto db = pg_instance::shared().create_database("budget");
  subscriber_options sub_opts;
  sub_opts.keep_bodies = false;
  subscriber sub{sub_opts};
  behaviour slow;
  slow.delay_ms = opt.delay_ms;
  sub.set_default_behaviour(slow);

  node_harness nodes{db};
  auto& node = nodes.start(
      "bench", {"--log_level", "warn", "--max_buffered_bytes", std::to_string(budget_mib << 20),
                "--max_prefetch_bytes_per_hook", std::to_string(per_hook_mib << 20)});
  nodes.wait_partitions("bench", 256, 60s);
  std::this_thread::sleep_for(2s);
  const long empty_kb = proc_status_kb(node.pid(), "VmRSS");

  std::vector<std::int64_t> ids;
  for (int h = 0; h < opt.hooks; ++h)
    ids.push_back(create_hook(db, sub.url_for("h" + std::to_string(h)), random_secret()));
  std::this_thread::sleep_for(1s); // the node picks up the new hooks
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> writers;
  for (auto id : ids)
    writers.emplace_back([&, id] {
      emit_big_to(db, id, opt.events, static_cast<std::size_t>(opt.event_kib) << 10);
    });
  for (auto& w : writers)
    w.join();
  const auto expected = static_cast<std::size_t>(opt.hooks) * static_cast<std::size_t>(opt.events);
  bool drained = sub.wait_for([&] { return sub.count() >= expected; }, 900s);
  const double drain_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::this_thread::sleep_for(3s); // cursors flushed, buffers freed
  const long peak_kb = proc_status_kb(node.pid(), "VmHWM");
  const long after_kb = proc_status_kb(node.pid(), "VmRSS");
  nodes.stop("bench");

  const long empty_mb = empty_kb / 1024, peak_mb = peak_kb / 1024, after_mb = after_kb / 1024;
  std::ostringstream out;
  out << "{\"max_buffered_mib\":" << budget_mib << ",\"per_hook_mib\":" << per_hook_mib
      << ",\"drained\":" << (drained ? "true" : "false") << ",\"drain_s\":" << drain_s
      << ",\"empty_rss_mb\":" << empty_mb << ",\"peak_rss_mb\":" << peak_mb
      << ",\"after_drain_rss_mb\":" << after_mb
      << ",\"peak_within_target\":" << (peak_mb <= empty_mb + budget_mib + 64 ? "true" : "false")
      << ",\"after_within_target\":" << (after_mb <= empty_mb + 64 ? "true" : "false") << "}";
  return out.str();
}

} // namespace

int main(int argc, char** argv) {
  auto opt = parse_args(argc, argv);
  std::string runs = run(opt, 256, 1) + "," + run(opt, 32, 1) + "," + run(opt, 32, 32);
  std::cout << "{\"bench\":\"budget\",\"hooks\":" << opt.hooks
            << ",\"events_per_hook\":" << opt.events << ",\"event_kib\":" << opt.event_kib
            << ",\"subscriber_delay_ms\":" << opt.delay_ms << ",\"runs\":[" << runs << "]}"
            << std::endl;
  return 0;
}
