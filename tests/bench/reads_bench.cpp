// What operators' reads cost with many hooks, and what they cost the deliveries. Prints
// one JSON line.
//   bench_reads_bench [--hooks 100000] [--samples 30] [--drain-events 100000]
// One node hosts --hooks hooks; 1,000 of them are paused with 10 events each (a backlog to
// rank). Latency of admin API reads (median and p95 over --samples): a page of 100 hooks
// at a random place, one random hook, the 20 hooks with the largest backlog, and the
// status page uncached (each request more than its 2 s cache apart). Then the drain of
// --drain-events over 1,000 more hooks: alone; while two status pages reload every 200 ms
// (a browser's is every 5 s); and while two scripts each read a page of hooks and the top
// 20 every 200 ms. Six drains, in the order alone, status, api, api, status, alone, so that
// the outbox growing from one drain to the next weighs on each the same.
#include "tests/support/admin_client.hpp"
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <iostream>
#include <map>
#include <random>
#include <thread>

using namespace courier::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

constexpr const char* token = "reads-bench-token";
constexpr int lagging_hooks = 1000;
constexpr int drain_hooks = 1000;

std::map<std::string, long> parse_args(int argc, char** argv) {
  std::map<std::string, long> out{{"hooks", 100000}, {"samples", 30}, {"drain-events", 100000}};
  for (int i = 1; i + 1 < argc; i += 2)
    out[std::string{argv[i]}.substr(2)] = std::stol(argv[i + 1]);
  return out;
}

struct timing {
  double p50_ms = -1, p95_ms = -1;
  int failures = 0;
};

timing summarize(std::vector<double> ms, int failures) {
  timing t;
  t.failures = failures;
  if (ms.empty())
    return t;
  std::sort(ms.begin(), ms.end());
  t.p50_ms = ms[ms.size() / 2];
  t.p95_ms = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
  return t;
}

// Times `samples` GETs of the targets `next` makes, `gap` apart.
template <class Next>
timing time_gets(unsigned short port, int samples, std::chrono::milliseconds gap, Next next) {
  std::vector<double> ms;
  int failures = 0;
  for (int i = 0; i < samples; ++i) {
    auto target = next();
    auto start = steady::now();
    auto r = admin_request(port, "GET", target, std::string("Bearer ") + token, {}, 10s);
    double took = std::chrono::duration<double, std::milli>(steady::now() - start).count();
    if (r.status == 200)
      ms.push_back(took);
    else
      ++failures;
    std::this_thread::sleep_for(gap);
  }
  return summarize(std::move(ms), failures);
}

std::string json(const char* name, const timing& t) {
  return std::string{",\""} + name + "_p50_ms\":" + std::to_string(t.p50_ms) + ",\"" + name +
         "_p95_ms\":" + std::to_string(t.p95_ms) +
         (t.failures > 0 ? ",\"" + std::string{name} + "_failures\":" + std::to_string(t.failures)
                         : "");
}

// Pauses `ids`, emits `per_hook` events to each, and returns when that is committed.
void paused_backlog(const std::string& db, const std::vector<std::int64_t>& ids, long per_hook) {
  pqxx::connection conn{db};
  pqxx::work tx{conn};
  for (auto id : ids) {
    tx.exec_params("SELECT courier.pause_hook($1)", id);
    tx.exec_params("SELECT count(courier.emit_to($1, 'bench.reads', jsonb_build_object('i', g))) "
                   "FROM generate_series(1, $2) g",
                   id, per_hook);
  }
  tx.commit();
}

// Resumes `ids` and waits until the subscriber has `expected` more requests; events/s.
double drain(const std::string& db, subscriber& sub, const std::vector<std::int64_t>& ids,
             std::size_t expected) {
  const auto before = sub.count();
  auto start = steady::now();
  {
    pqxx::connection conn{db};
    pqxx::work tx{conn};
    for (auto id : ids)
      tx.exec_params("SELECT courier.resume_hook($1)", id);
    tx.commit();
  }
  sub.wait_for([&] { return sub.count() >= before + expected; }, 600s);
  double s = std::chrono::duration<double>(steady::now() - start).count();
  return static_cast<double>(sub.count() - before) / s;
}

} // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  const long hooks = args["hooks"];
  const int samples = static_cast<int>(args["samples"]);
  auto db = pg_instance::shared().create_database("bench");
  subscriber_options opts;
  opts.keep_bodies = false;
  subscriber sub{opts};
  {
    pqxx::connection conn{db};
    pqxx::work tx{conn};
    tx.exec_params("SELECT count(courier.create_hook($1 || i, $2)) FROM generate_series(1, $3) i",
                   sub.url_for("h"), random_secret(), hooks);
    tx.commit();
  }
  std::vector<std::int64_t> lagging, draining;
  for (std::int64_t id = 1; id <= lagging_hooks; ++id)
    lagging.push_back(id * (hooks / lagging_hooks)); // spread over the id range
  for (std::int64_t id = 1; id <= drain_hooks; ++id)
    draining.push_back(id * (hooks / drain_hooks) - 1);
  paused_backlog(db, lagging, 10);
  const long per_hook = args["drain-events"] / drain_hooks;
  paused_backlog(db, draining, per_hook);
  pg_instance::exec_scalar(db, "ANALYZE");

  node_harness nodes{db};
  auto& node = nodes.start(
      "n1", {"--admin_token", token, "--max_in_flight", "512", "--lease_tick_ms", "500"});
  auto port = wait_admin_port(node, 60s);
  if (!port || !nodes.wait_balanced({"n1"}, 256, 120s)) {
    std::cerr << "the node did not start\n" << node.log() << "\n";
    return 1;
  }
  std::mt19937_64 rng{42};
  std::uniform_int_distribution<long> any_hook{1, hooks};
  for (const char* warm : {"/v1/hooks?limit=100", "/v1/hooks/1", "/v1/hooks?order=backlog"})
    admin_request(*port, "GET", warm, std::string("Bearer ") + token, {}, 10s);
  auto page = time_gets(*port, samples, 20ms, [&] {
    return "/v1/hooks?limit=100&after=" + std::to_string(any_hook(rng) - 1);
  });
  auto one =
      time_gets(*port, samples, 20ms, [&] { return "/v1/hooks/" + std::to_string(any_hook(rng)); });
  auto top = time_gets(*port, samples, 20ms,
                       [] { return std::string{"/v1/hooks?order=backlog&limit=20"}; });
  auto status = time_gets(*port, std::max(3, samples / 3), 2100ms,
                          [] { return std::string{"/?token="} + token; });

  const auto expected = static_cast<std::size_t>(per_hook * drain_hooks);
  std::atomic<long> polls{0};
  // One drain of `expected` new events (the first were emitted above) while `targets` are
  // each read by two pollers every 200 ms; events/s.
  bool first = true;
  auto drain_once = [&](const std::vector<std::string>& targets) {
    if (!first)
      paused_backlog(db, draining, per_hook);
    first = false;
    std::atomic<bool> polling{true};
    std::vector<std::thread> pollers;
    for (const auto& target : targets)
      for (int i = 0; i < 2; ++i)
        pollers.emplace_back([&, target] {
          while (polling) {
            admin_request(*port, "GET", target, std::string("Bearer ") + token, {}, 10s);
            ++polls;
            std::this_thread::sleep_for(200ms);
          }
        });
    double rate = drain(db, sub, draining, expected);
    polling = false;
    for (auto& t : pollers)
      t.join();
    return rate;
  };
  const std::vector<std::string> none, status_page{std::string{"/?token="} + token},
      api{"/v1/hooks?limit=100", "/v1/hooks?order=backlog&limit=20"};
  double alone = drain_once(none);
  double status_polled = drain_once(status_page);
  double api_polled = drain_once(api);
  api_polled = (api_polled + drain_once(api)) / 2;
  status_polled = (status_polled + drain_once(status_page)) / 2;
  alone = (alone + drain_once(none)) / 2;
  nodes.stop("n1");

  std::cout << "{\"bench\":\"reads\",\"hooks\":" << hooks << json("hooks_page", page)
            << json("one_hook", one) << json("top20_backlog", top)
            << json("status_page_uncached", status) << ",\"drain_events\":" << expected
            << ",\"drain_alone_events_per_s\":" << static_cast<long>(alone)
            << ",\"drain_status_page_polled_events_per_s\":" << static_cast<long>(status_polled)
            << ",\"drain_api_polled_events_per_s\":" << static_cast<long>(api_polled)
            << ",\"polls\":" << polls.load()
            << ",\"status_page_polled_ratio\":" << (alone > 0 ? status_polled / alone : 0)
            << ",\"api_polled_ratio\":" << (alone > 0 ? api_polled / alone : 0) << "}" << std::endl;
  return 0;
}
