#include "actors/actor_telemetry.hpp"

#include <prometheus/family.h>

namespace courier {

namespace {

// From a few microseconds (a timer tick) to a second (a blocked scheduler thread).
const prometheus::Histogram::BucketBoundaries handling_buckets{
    0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
    0.001,    0.0025,  0.005,    0.01,    0.025,  0.1,     1};

} // namespace

const char* to_string(actor_type type) {
  switch (type) {
  case actor_type::node_supervisor:
    return "node_supervisor";
  case actor_type::partition:
    return "partition";
  case actor_type::delivery:
    return "delivery";
  case actor_type::lease_keeper:
    return "lease_keeper";
  case actor_type::listener:
    return "listener";
  case actor_type::flusher:
    return "flusher";
  case actor_type::attempt_logger:
    return "attempt_logger";
  }
  return "unknown";
}

void actor_type_metrics::saw_depth(std::size_t depth) {
  auto deepest_yet = deepest.load(std::memory_order_relaxed);
  while (depth > deepest_yet)
    if (deepest.compare_exchange_weak(deepest_yet, depth, std::memory_order_relaxed)) {
      mailbox_high_water->Set(static_cast<double>(depth));
      return;
    }
}

actor_telemetry::actor_telemetry(prometheus::Registry& registry) {
  auto& running = prometheus::BuildGauge()
                      .Name("courier_actors")
                      .Help("Running actors by type")
                      .Register(registry);
  auto& restarts = prometheus::BuildCounter()
                       .Name("courier_actor_restarts_total")
                       .Help("Supervisor restarts of failed actors, by actor type")
                       .Register(registry);
  auto& messages = prometheus::BuildCounter()
                       .Name("courier_actor_messages_total")
                       .Help("Messages handled, by actor type")
                       .Register(registry);
  auto& handling = prometheus::BuildHistogram()
                       .Name("courier_actor_message_seconds")
                       .Help("Time to handle one message, by actor type")
                       .Register(registry);
  auto& depth = prometheus::BuildGauge()
                    .Name("courier_actor_mailbox_depth")
                    .Help("Messages waiting in the mailboxes of all actors of a type (as each "
                          "last saw its own)")
                    .Register(registry);
  auto& high_water = prometheus::BuildGauge()
                         .Name("courier_actor_mailbox_high_water")
                         .Help("Most messages one actor of a type has had waiting since start")
                         .Register(registry);
  for (std::size_t i = 0; i < actor_type_count; ++i) {
    const prometheus::Labels labels{{"actor_type", to_string(static_cast<actor_type>(i))}};
    auto& m = types_[i];
    m.running = &running.Add(labels);
    m.restarts = &restarts.Add(labels);
    m.messages = &messages.Add(labels);
    m.handling_seconds = &handling.Add(labels, handling_buckets);
    m.mailbox_depth = &depth.Add(labels);
    m.mailbox_high_water = &high_water.Add(labels);
  }
}

actor_probe::actor_probe(caf::scheduled_actor* self, actor_type_metrics& metrics)
    : self_(self), metrics_(&metrics) {
  metrics_->running->Increment();
}

actor_probe::~actor_probe() {
  leave();
}

actor_probe::actor_probe(actor_probe&& other) noexcept
    : self_(std::exchange(other.self_, nullptr)), metrics_(std::exchange(other.metrics_, nullptr)),
      depth_(std::exchange(other.depth_, 0)) {}

actor_probe& actor_probe::operator=(actor_probe&& other) noexcept {
  if (this != &other) {
    leave();
    self_ = std::exchange(other.self_, nullptr);
    metrics_ = std::exchange(other.metrics_, nullptr);
    depth_ = std::exchange(other.depth_, 0);
  }
  return *this;
}

std::chrono::steady_clock::time_point actor_probe::begin() {
  // Not mailbox().size(): that first moves newly arrived messages into the queue CAF is
  // iterating for this very handler call (fetch_more), and in CAF 0.17's header code it
  // downcasts the empty queue's sentinel (UBSan halts on it). The queue's own count is a
  // plain read: the messages taken in at the start of this round and not yet handled.
  auto depth = self_->mailbox().queue().total_task_size();
  if (depth > depth_) {
    metrics_->mailbox_depth->Increment(static_cast<double>(depth - depth_));
    metrics_->saw_depth(depth);
  } else if (depth < depth_) {
    metrics_->mailbox_depth->Decrement(static_cast<double>(depth_ - depth));
  }
  depth_ = depth;
  return std::chrono::steady_clock::now();
}

void actor_probe::end(std::chrono::steady_clock::time_point started) {
  metrics_->messages->Increment();
  metrics_->handling_seconds->Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

void actor_probe::leave() {
  if (metrics_ == nullptr)
    return;
  metrics_->running->Decrement();
  if (depth_ > 0)
    metrics_->mailbox_depth->Decrement(static_cast<double>(depth_));
  metrics_ = nullptr;
}

} // namespace courier
