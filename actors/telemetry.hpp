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

// The metrics of one hook, resolved once by its delivery actor (label lookups are
// not free) and removed when the hook leaves the node.
struct hook_metrics {
  prometheus::Counter* delivered = nullptr;
  prometheus::Counter* failed = nullptr;
  prometheus::Counter* dead_lettered = nullptr;
  prometheus::Gauge* head_attempts = nullptr; // > 0: the hook is blocked on its head event
};

class telemetry {
public:
  telemetry();

  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  hook_metrics for_hook(hook_id hook);
  void forget_hook(hook_id hook);

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
  prometheus::Family<prometheus::Counter>* hook_deliveries_;
  prometheus::Family<prometheus::Gauge>* hook_head_attempts_;
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
