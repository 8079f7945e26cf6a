// What ordered batches and the unordered mode buy a hook whose subscriber is slow. Prints
// one JSON line.
//   bench_modes_bench [--events 1000] [--delay-ms 50] [--batch-max 100] [--window 16]
// One hook with a backlog of --events, a subscriber that takes --delay-ms per request:
// drained one event at a time (strict, the default), with batch_max, and unordered with
// max_in_flight_per_hook --window, each on a fresh database and node; events/s of each
// and their ratios to strict.
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <pqxx/pqxx>

#include <iostream>
#include <map>

using namespace courier::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

std::map<std::string, long> parse_args(int argc, char** argv) {
  std::map<std::string, long> out{
      {"events", 1000}, {"delay-ms", 50}, {"batch-max", 100}, {"window", 16}};
  for (int i = 1; i + 1 < argc; i += 2)
    out[std::string{argv[i]}.substr(2)] = std::stol(argv[i + 1]);
  return out;
}

// Drains `events` events of one hook with `options`; events/s, 0 when it did not finish.
double drain(long events, int delay_ms, const std::string& options) {
  auto db = pg_instance::shared().create_database("bench");
  subscriber_options opts;
  opts.keep_bodies = false;
  subscriber sub{opts};
  behaviour slow;
  slow.delay_ms = delay_ms;
  sub.set_behaviour("h", slow);
  auto id = create_hook(db, sub.url_for("h"), random_secret());
  {
    pqxx::connection conn{db};
    pqxx::work tx{conn};
    tx.exec_params("SELECT courier.configure_hook($1, $2::jsonb)", id, options);
    tx.exec_params("SELECT count(courier.emit_to($1, 'bench.modes', jsonb_build_object('i', g))) "
                   "FROM generate_series(1, $2) g",
                   id, events);
    tx.commit();
  }
  node_harness nodes{db};
  auto start = steady::now();
  nodes.start("bench");
  const auto cursor =
      "SELECT delivered_seq FROM courier.cursors WHERE hook_id = " + std::to_string(id);
  bool done = sub.wait_for([&] { return nodes.scalar_int(cursor) >= events; }, 600s);
  double s = std::chrono::duration<double>(steady::now() - start).count();
  nodes.stop("bench");
  return done ? static_cast<double>(events) / s : 0;
}

} // namespace

int main(int argc, char** argv) {
  auto args = parse_args(argc, argv);
  const long events = args["events"];
  const int delay = static_cast<int>(args["delay-ms"]);
  double strict = drain(events, delay, "{}");
  double batched =
      drain(events, delay, R"({"batch_max": )" + std::to_string(args["batch-max"]) + "}");
  double unordered = drain(events, delay,
                           R"({"ordering": "none", "max_in_flight_per_hook": )" +
                               std::to_string(args["window"]) + "}");
  std::cout << "{\"bench\":\"modes\",\"events\":" << events << ",\"subscriber_delay_ms\":" << delay
            << ",\"strict_events_per_s\":" << strict << ",\"batch_max\":" << args["batch-max"]
            << ",\"batched_events_per_s\":" << batched
            << ",\"batched_over_strict\":" << (strict > 0 ? batched / strict : 0)
            << ",\"window\":" << args["window"] << ",\"unordered_events_per_s\":" << unordered
            << ",\"unordered_over_strict\":" << (strict > 0 ? unordered / strict : 0) << "}"
            << std::endl;
  return strict > 0 && batched > 0 && unordered > 0 ? 0 : 1;
}
