// Cluster metrics: the gauges a snapshot becomes (most-lagging hooks come and go), and the
// actor's read loop on CAF's deterministic scheduler with a fake source: the first read an
// interval after start, one read at a time, the next one an interval after the answer,
// failures counted with stale values kept.
#include "actors/cluster_metrics.hpp"

#include "actor_test_support.hpp"

#include <gtest/gtest.h>

#include <prometheus/registry.h>

#include <chrono>
#include <deque>
#include <optional>

namespace courier {
namespace {

using namespace std::chrono_literals;
using namespace courier::testing;

using labels = std::map<std::string, std::string>;

// The value of one series in the registry, or nullopt when it is not there.
std::optional<double> value_of(prometheus::Registry& registry, const std::string& name,
                               const labels& wanted = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name)
      continue;
    for (const auto& metric : family.metric) {
      labels have;
      for (const auto& pair : metric.label)
        have[pair.name] = pair.value;
      if (have != wanted)
        continue;
      return family.type == prometheus::MetricType::Counter ? metric.counter.value
                                                            : metric.gauge.value;
    }
  }
  return std::nullopt;
}

cluster_stats snapshot(std::vector<hook_lag> lagging) {
  cluster_stats s;
  s.most_lagging = std::move(lagging);
  s.oldest_undelivered_seconds = 42.5;
  s.backlog_events = 1234;
  s.hooks = {10, 2, 1, 3, 4};
  s.dead_letters = 7;
  s.live_nodes = 3;
  s.partitions = 256;
  s.partitions_owned = 250;
  return s;
}

TEST(cluster_gauges, publish_sets_every_gauge) {
  prometheus::Registry registry;
  cluster_gauges gauges{registry};
  gauges.publish(snapshot({{hook_id{17}, 42.5, 900, 8}, {hook_id{4}, 3.0, 5}}));

  EXPECT_EQ(value_of(registry, "courier_cluster_oldest_undelivered_seconds"), 42.5);
  EXPECT_EQ(value_of(registry, "courier_cluster_backlog_events"), 1234);
  EXPECT_EQ(value_of(registry, "courier_cluster_dead_letters"), 7);
  EXPECT_EQ(value_of(registry, "courier_cluster_nodes"), 3);
  EXPECT_EQ(value_of(registry, "courier_cluster_hooks", {{"state", "active"}}), 10);
  EXPECT_EQ(value_of(registry, "courier_cluster_hooks", {{"state", "blocked"}}), 2);
  EXPECT_EQ(value_of(registry, "courier_cluster_hooks", {{"state", "quarantined"}}), 1);
  EXPECT_EQ(value_of(registry, "courier_cluster_hooks", {{"state", "paused"}}), 3);
  EXPECT_EQ(value_of(registry, "courier_cluster_hooks", {{"state", "disabled"}}), 4);
  EXPECT_EQ(value_of(registry, "courier_cluster_partitions", {{"state", "owned"}}), 250);
  EXPECT_EQ(value_of(registry, "courier_cluster_partitions", {{"state", "unowned"}}), 6);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_oldest_undelivered_seconds", {{"hook", "17"}}),
            42.5);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_backlog_events", {{"hook", "4"}}), 5);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_head_attempts", {{"hook", "17"}}), 8);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_head_attempts", {{"hook", "4"}}), 0);
}

TEST(cluster_gauges, hooks_that_stop_lagging_lose_their_series) {
  prometheus::Registry registry;
  cluster_gauges gauges{registry};
  gauges.publish(snapshot({{hook_id{17}, 42.5, 900}, {hook_id{4}, 3.0, 5}}));
  gauges.publish(snapshot({{hook_id{4}, 8.0, 6}}));

  EXPECT_EQ(value_of(registry, "courier_cluster_hook_oldest_undelivered_seconds", {{"hook", "17"}}),
            std::nullopt);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_backlog_events", {{"hook", "17"}}),
            std::nullopt);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_head_attempts", {{"hook", "17"}}),
            std::nullopt);
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_oldest_undelivered_seconds", {{"hook", "4"}}),
            8.0);
  gauges.publish(snapshot({}));
  EXPECT_EQ(value_of(registry, "courier_cluster_hook_backlog_events", {{"hook", "4"}}),
            std::nullopt);
}

// Keeps every read's callback until the test answers it.
class fake_stats_source final : public cluster_stats_source {
public:
  std::vector<int> reads; // top_hooks of each read
  std::deque<callback<cluster_stats>> pending;

  void read(int top_hooks, callback<cluster_stats> done) override {
    reads.push_back(top_hooks);
    pending.push_back(std::move(done));
  }

  void answer(result<cluster_stats> r) {
    ASSERT_FALSE(pending.empty()) << "no read to answer";
    auto done = std::move(pending.front());
    pending.pop_front();
    done(std::move(r));
  }
};

class cluster_metrics_actor_test : public actor_fixture {
protected:
  cluster_metrics_actor_test() {
    source = std::make_shared<fake_stats_source>();
    watched = sys.spawn([]() -> caf::behavior {
      return {[](int) {
      }};
    });
    to_kill.push_back(watched);
    metrics = spawn_cluster_metrics(sys, source, {registry, 5, 5s},
                                    caf::actor_cast<caf::strong_actor_ptr>(watched));
    to_kill.push_back(caf::actor_cast<caf::actor>(metrics));
    run();
  }

  ~cluster_metrics_actor_test() override { source->pending.clear(); }

  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<fake_stats_source> source;
  caf::actor watched;
  cluster_metrics_actor metrics;
};

TEST_F(cluster_metrics_actor_test, reads_an_interval_after_start_then_after_each_answer) {
  EXPECT_TRUE(source->reads.empty());
  advance(4s);
  EXPECT_TRUE(source->reads.empty());
  advance(1s);
  ASSERT_EQ(source->reads, std::vector<int>{5});
  advance(30s); // unanswered: no second read piles up
  EXPECT_EQ(source->reads.size(), 1u);

  source->answer(snapshot({{hook_id{17}, 42.5, 900}}));
  run();
  EXPECT_EQ(value_of(*registry, "courier_cluster_nodes"), 3);
  advance(4s);
  EXPECT_EQ(source->reads.size(), 1u);
  advance(1s);
  EXPECT_EQ(source->reads.size(), 2u);
}

TEST_F(cluster_metrics_actor_test, a_failed_read_is_counted_and_keeps_the_last_values) {
  advance(5s);
  source->answer(snapshot({}));
  run();
  advance(5s);
  ASSERT_EQ(source->reads.size(), 2u);
  source->answer(error{errc::retryable, "connection lost"});
  run();
  EXPECT_EQ(value_of(*registry, "courier_cluster_stats_failures_total"), 1);
  EXPECT_EQ(value_of(*registry, "courier_cluster_dead_letters"), 7);
  advance(5s); // and it keeps trying
  EXPECT_EQ(source->reads.size(), 3u);
}

TEST_F(cluster_metrics_actor_test, quits_with_the_watched_actor) {
  caf::scoped_actor self{sys};
  self->monitor(metrics);
  caf::anon_send_exit(watched, caf::exit_reason::user_shutdown);
  run();
  bool down = false;
  self->receive([&](caf::down_msg&) { down = true; }, caf::after(std::chrono::seconds(0)) >> [] {});
  EXPECT_TRUE(down);
}

} // namespace
} // namespace courier
