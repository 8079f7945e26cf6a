#include "actors/telemetry.hpp"

namespace courier {

namespace {

const prometheus::Histogram::BucketBoundaries latency_buckets{
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};

} // namespace

telemetry::telemetry()
    : registry_(std::make_shared<prometheus::Registry>()), actor_types_(*registry_) {
  auto& r = *registry_;
  hook_deliveries_ = &prometheus::BuildCounter()
                          .Name("courier_hook_deliveries_total")
                          .Help("Delivery attempts per hook by outcome")
                          .Register(r);
  hook_head_attempts_ =
      &prometheus::BuildGauge()
           .Name("courier_hook_head_attempts")
           .Help("Failed attempts of the event a hook is waiting on (0 = healthy)")
           .Register(r);
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

hook_metrics telemetry::for_hook(hook_id hook) {
  auto id = std::to_string(raw(hook));
  hook_metrics m;
  m.delivered = &hook_deliveries_->Add({{"hook", id}, {"outcome", "success"}});
  m.failed = &hook_deliveries_->Add({{"hook", id}, {"outcome", "failure"}});
  m.dead_lettered = &hook_deliveries_->Add({{"hook", id}, {"outcome", "dead_letter"}});
  m.head_attempts = &hook_head_attempts_->Add({{"hook", id}});
  return m;
}

void telemetry::forget_hook(hook_id hook) {
  auto m = for_hook(hook);
  hook_deliveries_->Remove(m.delivered);
  hook_deliveries_->Remove(m.failed);
  hook_deliveries_->Remove(m.dead_lettered);
  hook_head_attempts_->Remove(m.head_attempts);
}

} // namespace courier
