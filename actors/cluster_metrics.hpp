#pragma once
// Cluster-wide gauges in a node's /metrics: lag and backlog (overall and for the most
// lagging hooks), hooks by state, dead letters, live nodes and partition ownership. Every
// node publishes the same numbers, so dashboards and alerts take the max across nodes and
// keep working while any node is up. A small event-based actor asks the
// cluster_stats_source every `interval` (one read at a time) and publishes the answer.
#include "actors/messages.hpp"
#include "actors/ports/cluster_stats_source.hpp"

#include <caf/typed_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>

// The read's answer travels from a store thread to the actor; never serialized.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(courier::result<courier::cluster_stats>)

namespace courier {

// The gauges themselves. Owned by the cluster metrics actor (one thread at a time);
// prometheus-cpp makes the values safe to collect from the admin server's thread.
class cluster_gauges {
public:
  explicit cluster_gauges(prometheus::Registry& registry);

  // Sets every gauge; hooks that left the most-lagging list lose their series.
  void publish(const cluster_stats& stats);
  void count_failure() { failures_->Increment(); }

private:
  struct hook_series {
    prometheus::Gauge* oldest = nullptr;
    prometheus::Gauge* backlog = nullptr;
    prometheus::Gauge* head_attempts = nullptr;
  };

  prometheus::Family<prometheus::Gauge>* hook_oldest_;
  prometheus::Family<prometheus::Gauge>* hook_backlog_;
  prometheus::Family<prometheus::Gauge>* hook_head_attempts_;
  prometheus::Family<prometheus::Gauge>* hooks_;
  prometheus::Family<prometheus::Gauge>* partitions_;
  prometheus::Gauge* oldest_;
  prometheus::Gauge* backlog_;
  prometheus::Gauge* dead_letters_;
  prometheus::Gauge* nodes_;
  prometheus::Counter* failures_;
  std::map<hook_id, hook_series> published_hooks_;
};

struct cluster_metrics_options {
  std::shared_ptr<prometheus::Registry> registry;
  int top_hooks = 20;                                          // config key metrics_top_hooks
  std::chrono::milliseconds interval{std::chrono::seconds{5}}; // between two reads
};

// The actor's whole protocol. Nobody else sends to it: it drives itself and talks only
// to its store callback.
using cluster_metrics_actor = caf::typed_actor<
    // read the stats now (the first `interval` after start, then `interval` after each answer)
    caf::reacts_to<atoms::read_stats_atom>,
    // the answer, posted back from a store thread
    caf::reacts_to<atoms::stats_read_atom, result<cluster_stats>>>;

// Reads `interval` after start, then `interval` after each answer. Not at once: the reads
// scan every hook of the cluster (0.1 s of Postgres at 100,000 hooks), and a node's first
// moments belong to taking its partitions and delivering their backlog. Quits when
// `watched` (the node supervisor) goes down.
cluster_metrics_actor spawn_cluster_metrics(caf::actor_system& sys,
                                            std::shared_ptr<cluster_stats_source> source,
                                            cluster_metrics_options options,
                                            caf::strong_actor_ptr watched);

} // namespace courier
