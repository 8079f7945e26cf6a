// Fairness benchmark (DESIGN.md invariant 8): the healthy hooks' emit->delivery latency
// with and without hooks whose subscriber accepts the connection and never answers.
// Prints one JSON line.
//   bench_fairness_bench [--seconds S] [--rate R] [--timeout-ms T]
// Two scenarios, each run twice on a fresh database and node, without the hung hooks
// (baseline) and with them: 300 hung hooks and the default max_in_flight (256); 8 hung
// hooks and max_in_flight 4. Either way 50 healthy hooks get R events/s (one per
// transaction) for S seconds, on a subscriber of their own; the hung hooks get one event
// each as the load starts, and every timed-out attempt is retried after 1 s. Besides the
// whole run's percentiles, p99_after_1s_ms leaves out the events emitted in its first
// second, when the hung hooks all start at once.
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/paced_load.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <algorithm>
#include <iostream>
#include <set>
#include <sstream>

using namespace courier::test;
using namespace std::chrono_literals;

namespace {

constexpr int healthy_hooks = 50;

struct options {
  long seconds = 30;
  long rate = 200;
  long timeout_ms = 15000;
};

options parse_args(int argc, char** argv) {
  options out;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    long value = std::stol(argv[i + 1]);
    if (key == "--seconds")
      out.seconds = value;
    else if (key == "--rate")
      out.rate = value;
    else if (key == "--timeout-ms")
      out.timeout_ms = value;
    else
      throw std::invalid_argument("unknown argument " + key);
  }
  return out;
}

struct run_result {
  std::size_t expected = 0;    // measured events to healthy hooks
  std::size_t undelivered = 0; // of those, not answered 2xx within 180 s after the load
  std::size_t duplicates = 0;  // 2xx for an event already answered 2xx
  double p50_ms = -1, p99_ms = -1, max_ms = -1;
  double p99_after_1s_ms = -1;   // of events emitted a second or more into the load
  std::size_t hung_attempts = 0; // requests the hung subscriber received during the load
  std::int64_t hung_backlog = 0; // events the hung hooks still hold (one each: nothing lost)
};

double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty())
    return -1;
  return sorted[std::min(sorted.size() - 1,
                         static_cast<std::size_t>(p * static_cast<double>(sorted.size())))];
}

run_result run(const options& opt, int max_in_flight, int hung_hooks) {
  auto db = pg_instance::shared().create_database("fairness");
  subscriber_options sub_opts;
  sub_opts.keep_bodies = false;
  subscriber live{sub_opts};
  subscriber hung{sub_opts};
  behaviour hang;
  hang.hang = true;
  hung.set_default_behaviour(hang);
  std::vector<std::int64_t> live_ids;
  std::vector<std::string> live_paths;
  for (int h = 0; h < healthy_hooks; ++h) {
    live_paths.push_back("l" + std::to_string(h));
    live_ids.push_back(
        create_hook(db, live.url_for(live_paths.back()), random_secret(), {"bench.live"}));
  }
  for (int h = 0; h < hung_hooks; ++h)
    create_hook(db, hung.url_for("s" + std::to_string(h)), random_secret(), {"bench.hung"});

  node_harness nodes{db};
  // poll_interval_ms at the production default: the harness's 500 ms would wake every
  // hung hook's actor four times as often as a real node does.
  nodes.start("bench",
              {"--max_in_flight", std::to_string(max_in_flight), "--http_timeout_ms",
               std::to_string(opt.timeout_ms), "--retry_schedule", "1s", "--poll_interval_ms", "2s",
               "--log_level", "warn", "--shutdown_grace_ms", "1000"});
  // Warm-up: the node holds its partitions and has delivered once to every healthy hook.
  emit(db, "bench.live", "{}");
  if (!live.wait_for([&] { return live.count() >= healthy_hooks; }, 60s))
    throw std::runtime_error("warm-up deliveries did not arrive");

  run_result out;
  if (hung_hooks > 0)
    emit(db, "bench.hung", "{}"); // one event each: they hang on it from now on
  const auto sent = emit_paced(db, live_ids, "bench.live", opt.rate, opt.seconds);
  out.hung_attempts = hung.count(); // during the load
  out.expected = sent.size();
  const auto per_hook = static_cast<std::int64_t>(1 + out.expected / healthy_hooks);
  live.wait_for(
      [&] {
        return std::all_of(live_paths.begin(), live_paths.end(),
                           [&](const auto& p) { return live.contiguous_seq(p) >= per_hook; });
      },
      180s);

  std::vector<double> latencies_ms, later_ms;
  std::set<std::string> answered;
  auto load_start = std::chrono::steady_clock::time_point::max();
  for (const auto& [key, at] : sent)
    load_start = std::min(load_start, at);
  for (const auto& d : live.received_all()) {
    if (d.status_sent < 200 || d.status_sent >= 300)
      continue;
    auto key = send_key(d);
    auto it = sent.find(key);
    if (it != sent.end() && answered.insert(key).second) {
      const double ms = std::chrono::duration<double, std::milli>(d.at - it->second).count();
      latencies_ms.push_back(ms);
      if (it->second - load_start >= 1s)
        later_ms.push_back(ms);
    }
  }
  std::sort(latencies_ms.begin(), latencies_ms.end());
  std::sort(later_ms.begin(), later_ms.end());
  out.p99_after_1s_ms = percentile(later_ms, 0.99);
  out.undelivered = out.expected - answered.size();
  for (const auto& p : live_paths)
    out.duplicates += live.duplicates(p);
  out.p50_ms = percentile(latencies_ms, 0.50);
  out.p99_ms = percentile(latencies_ms, 0.99);
  out.max_ms = latencies_ms.empty() ? -1 : latencies_ms.back();
  out.hung_backlog = nodes.scalar_int(
      "SELECT coalesce(sum(backlog), 0) FROM courier.hook_status WHERE url LIKE '" +
      hung.base_url() + "/%'");
  nodes.stop("bench");
  return out;
}

std::string json(const run_result& r) {
  std::ostringstream o;
  o << "{\"p50_ms\":" << r.p50_ms << ",\"p99_ms\":" << r.p99_ms
    << ",\"p99_after_1s_ms\":" << r.p99_after_1s_ms << ",\"max_ms\":" << r.max_ms
    << ",\"events\":" << r.expected << ",\"undelivered\":" << r.undelivered
    << ",\"duplicates\":" << r.duplicates << ",\"hung_attempts\":" << r.hung_attempts
    << ",\"hung_backlog\":" << r.hung_backlog << "}";
  return o.str();
}

} // namespace

int main(int argc, char** argv) {
  const auto opt = parse_args(argc, argv);
  struct scenario {
    const char* name;
    int max_in_flight;
    int hung_hooks;
  };
  const scenario scenarios[] = {{"300_hung", 256, 300}, {"few_slots", 4, 8}};
  bool ok = true;
  std::ostringstream line;
  line << "{\"bench\":\"fairness\",\"seconds\":" << opt.seconds << ",\"rate\":" << opt.rate
       << ",\"healthy_hooks\":" << healthy_hooks << ",\"timeout_ms\":" << opt.timeout_ms
       << ",\"scenarios\":[";
  for (const auto& s : scenarios) {
    auto baseline = run(opt, s.max_in_flight, 0);
    auto loaded = run(opt, s.max_in_flight, s.hung_hooks);
    double ratio = baseline.p99_ms > 0 ? loaded.p99_ms / baseline.p99_ms : -1;
    ok = ok && baseline.undelivered == 0 && loaded.undelivered == 0 &&
         loaded.hung_backlog == static_cast<std::int64_t>(s.hung_hooks);
    line << (&s == scenarios ? "" : ",") << "{\"name\":\"" << s.name
         << "\",\"max_in_flight\":" << s.max_in_flight << ",\"hung_hooks\":" << s.hung_hooks
         << ",\"baseline\":" << json(baseline) << ",\"with_hung\":" << json(loaded)
         << ",\"p99_ratio\":" << ratio << "}";
  }
  line << "]}";
  std::cout << line.str() << std::endl;
  return ok ? 0 : 1;
}
