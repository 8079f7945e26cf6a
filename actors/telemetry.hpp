#pragma once
// Prometheus metrics per actor type and per hook. One instance per node, shared by all
// actors; prometheus-cpp metric objects are thread-safe. Served by the admin server.
#include "actors/actor_telemetry.hpp"
#include "actors/domain/ids.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <memory>
#include <string>

namespace courier {

// What delivery actors count, node-wide: no series per hook, so /metrics stays small
// however many hooks a node hosts (the most lagging hooks get series of their own from
// actors/cluster_metrics, bounded by metrics_top_hooks).
struct delivery_metrics {
  prometheus::Counter* delivered = nullptr;
  prometheus::Counter* failed = nullptr;
  prometheus::Counter* dead_lettered = nullptr;
  prometheus::Gauge* blocked_hooks = nullptr; // hooks whose head event is failing
};

// One delivery actor's part in delivery_metrics::blocked_hooks: counted while its head
// event is failing, and uncounted when the actor ends however it ends.
class blocked_mark {
public:
  blocked_mark() = default;
  explicit blocked_mark(prometheus::Gauge* gauge) : gauge_(gauge) {}
  blocked_mark(const blocked_mark&) = delete;
  blocked_mark& operator=(const blocked_mark&) = delete;
  blocked_mark& operator=(blocked_mark&& other) noexcept;
  ~blocked_mark() { set(false); }

  void set(bool blocked);

private:
  prometheus::Gauge* gauge_ = nullptr;
  bool counted_ = false;
};

class telemetry {
public:
  telemetry();

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  const delivery_metrics& deliveries() const { return deliveries_; }

  prometheus::Histogram& delivery_latency() { return *delivery_latency_; }
  prometheus::Histogram& attempt_duration() { return *attempt_duration_; }
  actor_type_metrics& of_type(actor_type type) { return actor_types_.of(type); }
  prometheus::Counter& quarantined() { return *quarantined_; }
  prometheus::Counter& fenced_writes() { return *fenced_writes_; }
  prometheus::Gauge& partitions_held() { return *partitions_held_; }
  prometheus::Counter& leases_lost() { return *leases_lost_; }
  prometheus::Counter& leases_acquired() { return *leases_acquired_; }
  prometheus::Gauge& lease_valid() { return *lease_valid_; }
  prometheus::Counter& notifications() { return *notifications_; }
  prometheus::Histogram& takeover_gap() { return *takeover_gap_; }

private:
  std::shared_ptr<prometheus::Registry> registry_;
  delivery_metrics deliveries_;
  prometheus::Histogram* delivery_latency_;
  prometheus::Histogram* attempt_duration_;
  prometheus::Counter* quarantined_;
  prometheus::Counter* fenced_writes_;
  prometheus::Gauge* partitions_held_;
  prometheus::Counter* leases_lost_;
  prometheus::Counter* leases_acquired_;
  prometheus::Gauge* lease_valid_;
  prometheus::Counter* notifications_;
  prometheus::Histogram* takeover_gap_;
  actor_telemetry actor_types_; // built last: registry_ first
};

} // namespace courier
