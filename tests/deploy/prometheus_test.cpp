// The dashboard and the alert rules against a real Prometheus scraping a real 2-node
// cluster under load: every panel query and every rule returns data, the lag alert fires
// while a subscriber is down and clears once it is back, a killed node shows as missing.
// The run's series are drawn into build/deploy/courier-dashboard.png.
//
// Thresholds: the rules file is loaded as shipped except that every `for:` becomes 1s and
// the lag threshold 5 s instead of 5 minutes (both rewrites must match exactly once, so
// the test notices when the rules change shape); the expressions themselves are unchanged.
#include "dashboard.hpp"
#include "deploy_support.hpp"
#include "prometheus_server.hpp"

#include "tests/support/emitter.hpp"
#include "tests/support/free_port.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <filesystem>
#include <regex>
#include <set>
#include <thread>

namespace courier::test {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

const std::string rate_interval = "15s"; // Grafana: at least 4 scrape intervals (1 s here)
const std::string lag_alert = "courier:hook_oldest_undelivered_seconds:max > 300";

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Polls `probe` every 250 ms until it returns true; false after `timeout`.
bool eventually(const std::function<bool()>& probe, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      if (probe())
        return true;
    } catch (const std::runtime_error&) {
      // not up yet: try again
    }
    std::this_thread::sleep_for(250ms);
  }
  return false;
}

// The shipped rules with test timings (see the comment at the top of this file).
std::string rules_for_test() {
  std::string rules = read_text(source_path("deploy/prometheus/courier.rules.yml"));
  EXPECT_EQ(replace_all(rules, lag_alert, "courier:hook_oldest_undelivered_seconds:max > 5"), 1)
      << "the lag alert's expression changed; update this test's rewrite";
  const std::regex for_clause{R"(\n(\s+)for: \d+[smh]\n)"};
  EXPECT_GE(std::distance(std::sregex_iterator(rules.begin(), rules.end(), for_clause), {}), 5);
  return std::regex_replace(rules, for_clause, "\n$1for: 1s\n");
}

// Names of the alerts in `state` (firing/pending), with the hook label when there is one.
std::set<std::string> alerts_in(const json& alerts, const std::string& state) {
  std::set<std::string> out;
  for (const auto& a : alerts)
    if (a["state"] == state)
      out.insert(
          a["labels"]["alertname"].get<std::string>() +
          (a["labels"].contains("hook") ? "/" + a["labels"]["hook"].get<std::string>() : ""));
  return out;
}

// Emits one event to every hook per transaction, every 50 ms, until stopped.
class load_writer {
public:
  load_writer(std::string db, std::vector<std::int64_t> hooks)
      : db_(std::move(db)), hooks_(std::move(hooks)), thread_([this] { run(); }) {}
  ~load_writer() { stop(); }
  void stop() {
    done_ = true;
    if (thread_.joinable())
      thread_.join();
  }
  int emitted() const { return emitted_; }

private:
  void run() {
    pqxx::connection conn{db_};
    while (!done_) {
      pqxx::work tx{conn};
      for (auto hook : hooks_)
        emit_to(tx, hook, "load.tick", R"({"n": 1})");
      tx.commit();
      emitted_ += static_cast<int>(hooks_.size());
      std::this_thread::sleep_for(50ms);
    }
  }

  std::string db_;
  std::vector<std::int64_t> hooks_;
  std::atomic<bool> done_{false};
  std::atomic<int> emitted_{0};
  std::thread thread_;
};

TEST(prometheus_scrape, dashboard_and_alerts_on_a_live_two_node_cluster) {
  const auto prometheus_binary = find_tool("prometheus");
  if (prometheus_binary.empty())
    GTEST_SKIP() << not_installed("prometheus", "prometheus");
  const auto gnuplot = find_tool("gnuplot");
  ASSERT_TRUE(courierd_process::available()) << courierd_process::binary_path();

  const std::string db = pg_instance::shared().create_database("obs");
  subscriber sub;
  std::vector<std::int64_t> hooks;
  for (int i = 0; i < 8; ++i)
    hooks.push_back(create_hook(db, sub.url_for("h" + std::to_string(i)), random_secret()));

  // Fixed admin ports, so they can go into the scrape config.
  const auto ports = candidate_ports(2);
  ASSERT_EQ(ports.size(), 2u);
  node_harness nodes{db, {"--metrics_top_hooks", "5"}};
  std::vector<std::string> targets;
  for (int i = 0; i < 2; ++i) {
    const std::string id = i == 0 ? "a" : "b";
    nodes.start(id, {"--admin_listen", "127.0.0.1:" + std::to_string(ports[i])});
    targets.push_back("127.0.0.1:" + std::to_string(ports[i]));
  }
  for (int i = 0; i < 2; ++i)
    ASSERT_TRUE(eventually([&] { return http_get(ports[i], "/metrics").status == 200; }, 30s))
        << nodes.node(i == 0 ? "a" : "b").log();
  ASSERT_TRUE(nodes.wait_balanced({"a", "b"}, 256, 30s));

  scratch_dir dir{"courier-prometheus-"};
  write_text(dir.file("courier.rules.yml"), rules_for_test());
  prometheus_server prometheus{prometheus_binary, dir.path(), targets,
                               dir.file("courier.rules.yml")};
  const double start = unix_now();
  load_writer load{db, hooks};
  ASSERT_TRUE(eventually([&] { return prometheus.query("up == 1").size() == 2; }, 20s))
      << prometheus.log();
  std::this_thread::sleep_for(10s); // rate() windows fill with healthy traffic

  // A subscriber goes down: the endpoints of hooks 0 and 1 answer 503.
  const double outage = unix_now();
  behaviour down;
  down.fixed_status = 503;
  sub.set_behaviour("h0", down);
  sub.set_behaviour("h1", down);
  const std::set<std::string> lagging = {"CourierHookLagging/" + std::to_string(hooks[0]),
                                         "CourierHookLagging/" + std::to_string(hooks[1])};
  json alerts;
  ASSERT_TRUE(eventually(
      [&] {
        alerts = prometheus.alerts();
        auto firing = alerts_in(alerts, "firing");
        return std::includes(firing.begin(), firing.end(), lagging.begin(), lagging.end());
      },
      60s))
      << alerts.dump(2);
  // Exactly the alerts this outage explains: nothing about nodes, partitions or leases.
  const auto firing = alerts_in(prometheus.alerts(), "firing");
  for (const auto& name : firing)
    EXPECT_TRUE(name.rfind("CourierHookLagging/", 0) == 0 ||
                name.rfind("CourierHookBlocked/", 0) == 0)
        << name << " fires during a subscriber outage";
  EXPECT_EQ(firing.count("CourierHookLagging/" + std::to_string(hooks[2])), 0u);

  // Every panel query returns data now (lag, failing heads and healthy traffic all exist).
  for (const auto& panel : load_dashboard(source_path("deploy/grafana/courier.json")))
    for (const auto& q : panel.queries)
      EXPECT_FALSE(prometheus.query(to_promql(q.expr, rate_interval)).empty())
          << "panel '" << panel.title << "': " << q.expr;
  // Every rule evaluates without error; every recorded signal has data and every alert
  // expression is a valid query.
  int recorded = 0, alerting = 0;
  for (const auto& group : prometheus.rules())
    for (const auto& rule : group["rules"]) {
      const std::string name = rule["name"];
      EXPECT_EQ(rule["health"], "ok") << name << ": " << rule.value("lastError", "");
      if (rule["type"] == "recording") {
        ++recorded;
        EXPECT_FALSE(prometheus.query(name).empty()) << "recorded signal " << name << " is empty";
      } else {
        ++alerting;
        EXPECT_NO_THROW(prometheus.query(rule["query"].get<std::string>())) << name;
      }
    }
  EXPECT_GE(recorded, 8);
  EXPECT_GE(alerting, 8);

  // The subscriber is back: the backlog drains and the lag alert clears.
  const double recovery = unix_now();
  sub.clear_behaviour("h0");
  sub.clear_behaviour("h1");
  ASSERT_TRUE(eventually(
      [&] {
        alerts = prometheus.alerts();
        for (const auto& a : alerts)
          if (a["labels"]["alertname"] == "CourierHookLagging")
            return false;
        return true;
      },
      60s))
      << alerts.dump(2);

  // A node dies: the cluster counts one live node fewer than it had.
  const double crash = unix_now();
  nodes.node("b").kill9();
  ASSERT_TRUE(eventually(
      [&] {
        alerts = prometheus.alerts();
        return alerts_in(alerts, "firing").count("CourierNodeMissing") == 1;
      },
      60s))
      << alerts.dump(2);
  std::this_thread::sleep_for(3s);
  load.stop();
  const double end = unix_now();
  EXPECT_GT(load.emitted(), 0);

  // The picture of the dashboard, from this run's series.
  if (gnuplot.empty()) {
    std::cerr << not_installed("gnuplot", "gnuplot-nox") << ": no dashboard picture\n";
    return;
  }
  const std::string png = std::string{COURIER_BINARY_DIR} + "/deploy/courier-dashboard.png";
  std::filesystem::create_directories(std::filesystem::path{png}.parent_path());
  std::filesystem::remove(png);
  const auto plotted = plot_dashboard(
      gnuplot, load_dashboard(source_path("deploy/grafana/courier.json")), prometheus,
      rate_interval, start, end,
      {{outage, "subscriber of 2 hooks down"}, {recovery, "back"}, {crash, "kill -9 node b"}},
      dir.path(), png);
  EXPECT_EQ(plotted.exit_code, 0) << plotted.output;
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 50000u);
  std::cerr << "dashboard picture: " << png << "\n";
}

} // namespace
} // namespace courier::test
