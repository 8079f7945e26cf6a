#pragma once
// Telemetry per actor type (node_supervisor, partition, delivery, lease_keeper, listener,
// flusher, attempt_logger; label actor_type): running actors, restarts, mailbox depth (now and its
// high-water mark), messages handled and the time each took. One actor_telemetry per node
// (owned by telemetry); every series is resolved when it is built, so instrumenting a
// message costs two clock reads and a few atomic adds: no allocation, no label lookup,
// no series per actor instance. Thread-safe (prometheus-cpp metrics are atomics).
#include <caf/detail/type_traits.hpp>
#include <caf/scheduled_actor.hpp>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <utility>

namespace courier {

enum class actor_type {
  node_supervisor,
  partition,
  delivery,
  lease_keeper,
  listener,
  flusher,
  attempt_logger
};
constexpr std::size_t actor_type_count = 7;
const char* to_string(actor_type type);

// The series of one actor type.
struct actor_type_metrics {
  prometheus::Gauge* running = nullptr;
  prometheus::Counter* restarts = nullptr;
  prometheus::Counter* messages = nullptr;
  prometheus::Histogram* handling_seconds = nullptr;
  prometheus::Gauge* mailbox_depth = nullptr; // messages waiting, summed over the type's actors
  prometheus::Gauge* mailbox_high_water = nullptr; // deepest one mailbox of the type has been
  std::atomic<std::size_t> deepest{0};             // mailbox_high_water, without a float race

  void saw_depth(std::size_t depth);
};

class actor_telemetry {
public:
  explicit actor_telemetry(prometheus::Registry& registry);

  actor_type_metrics& of(actor_type type) { return types_[static_cast<std::size_t>(type)]; }

private:
  std::array<actor_type_metrics, actor_type_count> types_;
};

// One actor's link to its type's series: counts the actor as running while it lives,
// keeps the actor's share of the type's mailbox depth current and times the messages its
// instrumented handlers take. Lives in the actor's state (so it goes when the actor
// does, whatever the exit) and is used on the actor's thread only.
class actor_probe {
public:
  actor_probe() = default;
  actor_probe(caf::scheduled_actor* self, actor_type_metrics& metrics);
  ~actor_probe();
  actor_probe(actor_probe&& other) noexcept;
  actor_probe& operator=(actor_probe&& other) noexcept;
  actor_probe(const actor_probe&) = delete;
  actor_probe& operator=(const actor_probe&) = delete;

  // Around one message: the depth is read when it starts (the messages still waiting).
  std::chrono::steady_clock::time_point begin();
  void end(std::chrono::steady_clock::time_point started);

private:
  void leave();

  caf::scheduled_actor* self_ = nullptr;
  actor_type_metrics* metrics_ = nullptr;
  std::size_t depth_ = 0; // this actor's part of metrics_->mailbox_depth
};

namespace detail {

// A message handler with the exact signature of F (CAF matches handlers by it), timed by
// the probe. The probe lives in the actor's state, which outlives its behavior.
template <class F, class Signature> struct probed_handler;

template <class F, class R, class... Ts> struct probed_handler<F, R(Ts...)> {
  F handler;
  actor_probe* probe;

  R operator()(Ts... xs) {
    struct timing {
      actor_probe* probe;
      std::chrono::steady_clock::time_point started;
      ~timing() { probe->end(started); }
    } t{probe, probe->begin()};
    return handler(std::forward<Ts>(xs)...);
  }
};

} // namespace detail

// The behavior an actor returns, with each of its message handlers timed by `probe`:
//   return instrumented<behavior_type>(st.probe, [=](a_atom) {...}, [=](b_atom) {...});
template <class Behavior, class... Fs> Behavior instrumented(actor_probe& probe, Fs... handlers) {
  return Behavior{detail::probed_handler<Fs, typename caf::detail::get_callable_trait<Fs>::fun_sig>{
      std::move(handlers), &probe}...};
}

} // namespace courier
