#include "tests/support/node_harness.hpp"

#include "tests/support/pg_instance.hpp"

#include <pqxx/pqxx>

#include <algorithm>
#include <stdexcept>
#include <thread>

namespace courier::test {

node_harness::node_harness(std::string db_url, std::vector<std::string> common_args)
    : db_(std::move(db_url)), common_(std::move(common_args)) {}

std::vector<std::string> node_harness::test_defaults() {
  return {"--admin_listen",
          "127.0.0.1:0",
          "--allow_private_targets",
          "true",
          "--retry_schedule",
          "20ms,50ms,100ms,200ms",
          "--http_timeout_ms",
          "2000",
          "--lease_self_expiry_ms",
          "2000",
          "--lease_tick_ms",
          "200",
          "--poll_interval_ms",
          "500",
          "--shutdown_grace_ms",
          "3000",
          "--log_level",
          "info"};
}

courierd_process& node_harness::start(const std::string& node_id, std::vector<std::string> extra,
                                      std::vector<std::string> exec_prefix) {
  std::vector<std::string> args = {"--db", db_, "--node_id", node_id};
  auto defaults = test_defaults();
  args.insert(args.end(), defaults.begin(), defaults.end());
  args.insert(args.end(), common_.begin(), common_.end());
  args.insert(args.end(), extra.begin(), extra.end());
  child_options options;
  options.log_name = node_id + ".log";
  options.exec_prefix = std::move(exec_prefix);
  auto& slot = nodes_[node_id];
  slot = std::make_unique<courierd_process>(args, options);
  return *slot;
}

courierd_process& node_harness::node(const std::string& node_id) {
  auto it = nodes_.find(node_id);
  if (it == nodes_.end())
    throw std::out_of_range("no node " + node_id);
  return *it->second;
}

std::optional<int> node_harness::stop(const std::string& node_id,
                                      std::chrono::milliseconds timeout) {
  auto& n = node(node_id);
  n.terminate();
  return n.wait_exit(timeout);
}

std::int64_t node_harness::scalar_int(const std::string& sql) const {
  auto text = pg_instance::exec_scalar(db_, sql);
  return text.empty() ? 0 : std::stoll(text);
}

std::map<std::string, int> node_harness::partitions_by_node() const {
  pqxx::connection conn{db_};
  pqxx::nontransaction tx{conn};
  std::map<std::string, int> out;
  for (const auto& row : tx.exec("SELECT node_id, partitions_held FROM courier.cluster_nodes"))
    out[row[0].as<std::string>()] = row[1].as<int>();
  return out;
}

bool node_harness::balanced(const std::vector<std::string>& live, int partitions) const {
  auto held = partitions_by_node();
  int total = 0, lo = partitions, hi = 0;
  for (const auto& id : live) {
    int n = held.count(id) > 0 ? held[id] : 0;
    total += n;
    lo = std::min(lo, n);
    hi = std::max(hi, n);
  }
  return total == partitions && hi - lo <= 1;
}

bool node_harness::wait_balanced(const std::vector<std::string>& live, int partitions,
                                 std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!balanced(live, partitions)) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
  return true;
}

bool node_harness::wait_partitions(const std::string& node_id, int partitions,
                                   std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto held = partitions_by_node();
    auto it = held.find(node_id);
    if (it != held.end() && it->second == partitions)
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
  }
  return false;
}

} // namespace courier::test
