// What hosting many mostly idle hooks costs, and how fast a cluster takes them over.
// Prints one JSON line.
//   bench_scale_bench [--hooks 20000] [--moved 1000]
// Two nodes share --hooks hooks (1 % of them get events while RSS is measured): RSS per
// hosted hook (RSS minus that of a node with no hooks, over the hooks it hosts), idle CPU
// of a node over 10 s, /metrics bytes, start -> all partitions held; then kill -9 of one
// node and one new event to each of --moved of its hooks: first and last delivered.
#include "tests/support/admin_client.hpp"
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <pqxx/pqxx>

#include <unistd.h>

#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

using namespace courier::test;
using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

namespace {

// Production lease and poll timings (the harness defaults are tuned for fast tests).
const std::vector<std::string> node_args = {
    "--lease_self_expiry_ms", "5000", "--lease_tick_ms", "500", "--poll_interval_ms", "2000"};

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

// VmRSS of a process in bytes.
long rss_bytes(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string key;
  long kb = 0;
  while (status >> key) {
    if (key == "VmRSS:") {
      status >> kb;
      return kb * 1024;
    }
    status.ignore(1 << 12, '\n');
  }
  return -1;
}

// CPU seconds (user + system) a process has used.
double cpu_seconds(pid_t pid) {
  std::ifstream stat{"/proc/" + std::to_string(pid) + "/stat"};
  std::string text{std::istreambuf_iterator<char>(stat), {}};
  std::istringstream fields{text.substr(text.rfind(')') + 2)};
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) { // field 3 is the state
    if (i == 14)
      utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

void create_hooks(const std::string& db, const std::string& url_prefix, int count) {
  pqxx::connection conn{db};
  pqxx::work tx{conn};
  tx.exec_params("SELECT courier.create_hook($1 || i, $2) FROM generate_series(1, $3) i",
                 url_prefix, random_secret(), count);
  tx.commit();
}

// One event to each hook of `hooks`, in one transaction.
void emit_to_each(const std::string& db, const std::vector<std::int64_t>& hooks) {
  pqxx::connection conn{db};
  pqxx::work tx{conn};
  for (auto id : hooks)
    emit_to(tx, id, "scale.tick", "{}");
  tx.commit();
}

} // namespace

int main(int argc, char** argv) {
  int hooks = 20000, moved = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i];
    if (key == "--hooks")
      hooks = std::stoi(argv[i + 1]);
    else if (key == "--moved")
      moved = std::stoi(argv[i + 1]);
  }
  subscriber_options opts;
  opts.keep_bodies = false;
  subscriber sub{opts};

  // A node with no hooks: the baseline RSS.
  long empty_rss = 0;
  {
    auto empty_db = pg_instance::shared().create_database("scale_empty");
    node_harness nodes{empty_db, node_args};
    auto& node = nodes.start("empty");
    nodes.wait_balanced({"empty"}, 256, 60s);
    std::this_thread::sleep_for(3s);
    empty_rss = rss_bytes(node.pid());
  }

  auto db = pg_instance::shared().create_database("scale");
  auto created = steady::now();
  create_hooks(db, sub.url_for("h"), hooks);
  const double create_s = seconds_since(created);
  node_harness nodes{db, node_args};
  auto started = steady::now();
  auto& n1 = nodes.start("n1");
  auto& n2 = nodes.start("n2");
  const bool served = nodes.wait_balanced({"n1", "n2"}, 256, 120s);
  const double start_s = seconds_since(started);

  // 1 % of the hooks get an event a second for 10 s.
  std::vector<std::int64_t> active;
  for (int i = 1; i <= hooks; i += 100)
    active.push_back(i);
  for (int s = 0; s < 10; ++s) {
    emit_to_each(db, active);
    std::this_thread::sleep_for(1s);
  }
  const long busy_rss = (rss_bytes(n1.pid()) + rss_bytes(n2.pid())) / 2;
  std::this_thread::sleep_for(7s); // past passivate_after: the active hooks passivate
  const long idle_rss = (rss_bytes(n1.pid()) + rss_bytes(n2.pid())) / 2;
  const double cpu_before = cpu_seconds(n1.pid());
  std::this_thread::sleep_for(10s);
  const double idle_cpu_pct = (cpu_seconds(n1.pid()) - cpu_before) / 10.0 * 100.0;
  const auto port = wait_admin_port(n1, 10s);
  const auto metrics = port ? admin_request(*port, "GET", "/metrics") : admin_reply{};
  if (metrics.status != 200)
    std::cerr << "scale_bench: /metrics of n1: status " << metrics.status << " " << metrics.error
              << (port ? "" : " (no admin port in its log)") << "\n";
  const auto metrics_bytes = metrics.body.size();

  // Failover: n2 dies; one new event to each of `moved` of its hooks.
  std::vector<std::int64_t> victims;
  {
    pqxx::connection conn{db};
    pqxx::nontransaction tx{conn};
    for (const auto& row :
         tx.exec_params("SELECT h.id FROM courier.hooks h JOIN courier.lease_locks l "
                        "ON l.partition = h.partition JOIN courier.nodes n ON n.lease_pid = l.pid "
                        "WHERE n.node_id = 'n2' ORDER BY h.id LIMIT $1",
                        moved))
      victims.push_back(row[0].as<std::int64_t>());
  }
  std::set<std::string> victim_paths;
  for (auto id : victims)
    victim_paths.insert("/h/h" + std::to_string(id)); // ids follow generate_series here
  auto killed_at = steady::now();
  n2.kill9();
  emit_to_each(db, victims);
  double first = -1, last = -1;
  std::set<std::string> reached;
  while (reached.size() < victims.size() && steady::now() - killed_at < 60s) {
    for (const auto& d : sub.received_all()) {
      if (d.at < killed_at || victim_paths.count(d.path) == 0 || !reached.insert(d.path).second)
        continue;
      double s = std::chrono::duration<double>(d.at - killed_at).count();
      first = first < 0 ? s : std::min(first, s);
      last = std::max(last, s);
    }
    std::this_thread::sleep_for(20ms);
  }
  nodes.forget("n2");

  const double hosted = hooks / 2.0;
  std::cout << "{\"bench\":\"scale\",\"hooks\":" << hooks << ",\"nodes\":2"
            << ",\"create_hooks_s\":" << create_s << ",\"all_partitions_served\":" << served
            << ",\"start_to_all_partitions_s\":" << start_s
            << ",\"empty_node_rss_mb\":" << empty_rss / 1048576.0
            << ",\"idle_rss_mb\":" << idle_rss / 1048576.0
            << ",\"busy_rss_mb\":" << busy_rss / 1048576.0
            << ",\"rss_per_hosted_hook_bytes_idle\":" << (idle_rss - empty_rss) / hosted
            << ",\"rss_per_hosted_hook_bytes_busy\":" << (busy_rss - empty_rss) / hosted
            << ",\"idle_cpu_pct_of_a_core\":" << idle_cpu_pct
            << ",\"metrics_bytes\":" << metrics_bytes << ",\"moved_hooks\":" << victims.size()
            << ",\"moved_delivered\":" << reached.size()
            << ",\"failover_first_delivery_s\":" << first
            << ",\"failover_last_delivery_s\":" << last << "}" << std::endl;
  return 0;
}
