#include "actors/telemetry.hpp"

namespace courier {

namespace {

const prometheus::Histogram::BucketBoundaries latency_buckets{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

} // namespace

telemetry::telemetry()
    : registry_(std::make_shared<prometheus::Registry>()), actor_types_(*registry_) {
  auto& r = *registry_;
  auto& outcomes = prometheus::BuildCounter()
                       .Name("courier_deliveries_total")
                       .Help("Delivery attempts of this node's hooks by outcome")
                       .Register(r);
  deliveries_.delivered = &outcomes.Add({{"outcome", "success"}});
  deliveries_.failed = &outcomes.Add({{"outcome", "failure"}});
  deliveries_.dead_lettered = &outcomes.Add({{"outcome", "dead_letter"}});
  deliveries_.blocked_hooks =
      &prometheus::BuildGauge()
           .Name("courier_hooks_blocked")
           .Help("Hooks of this node whose head event is failing (running delivery actors)")
           .Register(r)
           .Add({});
  delivery_latency_ = &prometheus::BuildHistogram()
                           .Name("courier_delivery_latency_seconds")
                           .Help("Emit to successful delivery")
                           .Register(r)
                           .Add({}, latency_buckets);
  attempt_duration_ = &prometheus::BuildHistogram()
                           .Name("courier_attempt_duration_seconds")
                           .Help("HTTP attempt round trip")
                           .Register(r)
                           .Add({}, latency_buckets);
  quarantined_ = &prometheus::BuildCounter()
                      .Name("courier_hooks_quarantined_total")
                      .Help("Hooks quarantined after repeated delivery-actor failures")
                      .Register(r)
                      .Add({});
  fenced_writes_ = &prometheus::BuildCounter()
                        .Name("courier_fenced_writes_total")
                        .Help("Cursor/dead-letter writes rejected because the lease epoch moved on")
                        .Register(r)
                        .Add({});
  partitions_held_ = &prometheus::BuildGauge()
                          .Name("courier_partitions_held")
                          .Help("Partition leases held by this node")
                          .Register(r)
                          .Add({});
  leases_lost_ = &prometheus::BuildCounter()
                      .Name("courier_lease_losses_total")
                      .Help("Times this node lost (or self-expired) all its leases")
                      .Register(r)
                      .Add({});
  leases_acquired_ = &prometheus::BuildCounter()
                          .Name("courier_leases_acquired_total")
                          .Help("Partition leases acquired")
                          .Register(r)
                          .Add({});
  lease_valid_ = &prometheus::BuildGauge()
                      .Name("courier_lease_valid")
                      .Help("1 while the lease connection is confirmed within lease_self_expiry_ms")
                      .Register(r)
                      .Add({});
  takeover_gap_ = &prometheus::BuildHistogram()
                       .Name("courier_takeover_gap_seconds")
                       .Help("Silence of a dead node before this node took its partitions over")
                       .Register(r)
                       .Add({}, latency_buckets);
  notifications_ = &prometheus::BuildCounter()
                        .Name("courier_notifications_total")
                        .Help("Wake-ups received by LISTEN/NOTIFY")
                        .Register(r)
                        .Add({});
}

blocked_mark& blocked_mark::operator=(blocked_mark&& other) noexcept {
  set(false);
  gauge_ = other.gauge_;
  counted_ = other.counted_;
  other.counted_ = false;
  return *this;
}

void blocked_mark::set(bool blocked) {
  if (gauge_ == nullptr || blocked == counted_)
    return;
  if (blocked)
    gauge_->Increment();
  else
    gauge_->Decrement();
  counted_ = blocked;
}

} // namespace courier
