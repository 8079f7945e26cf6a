#include "actors/delivery_actor.hpp"

#include "actors/messages.hpp"
#include "net/log.hpp"
#include "net/signer.hpp"

#include <deque>
#include <random>

namespace courier {

using namespace atoms;

namespace {

constexpr std::size_t refill_below = 32; // prefetch the next batch when this few remain

std::int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_power_of_two(int n) {
  return n > 0 && (n & (n - 1)) == 0;
}

struct delivery_state {
  static inline const char* name = "courier.delivery";

  delivery_args args;
  hook_metrics metrics;
  std::shared_ptr<spdlog::logger> log;
  std::deque<outbox_event> buffer;
  std::int64_t fetched_through = 0; // highest seq buffered or delivered
  bool fetching = false;
  bool more_available = true; // the last fetch was full, or a wake-up came
  bool in_flight = false;
  bool retry_scheduled = false;
  bool stopping = false;
  int head_attempts = 0;
  std::int64_t head_first_failure_ms = 0;
  std::mt19937_64 rng;
};

using delivery_actor = caf::stateful_actor<delivery_state>;

cursor_update position(const delivery_state& st, std::int64_t seq) {
  return {st.args.hook.id, st.args.hook.partition, st.args.epoch, seq};
}

void fetch(delivery_actor* self) {
  auto& st = self->state;
  if (st.fetching || st.stopping || !st.more_available)
    return;
  st.fetching = true;
  st.more_available = false;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  st.args.ctx->db->fetch_events(st.args.hook.id, st.fetched_through, st.args.ctx->fetch_batch,
                                [me](outcome<std::vector<outbox_event>> result) {
                                  caf::anon_send(me, fetched_atom::value, std::move(result));
                                });
}

net::http_request build_request(delivery_state& st, const outbox_event& ev) {
  const auto& hook = st.args.hook;
  auto msg_id = "msg_" + std::to_string(ev.event_id) + "_" + std::to_string(hook.id);
  auto ts = unix_ms() / 1000;
  auto signature = net::signature_header(hook.secrets, msg_id, ts, ev.body);
  if (signature.empty()) // a bad secret is bad data: fail, let the supervisor decide
    throw std::runtime_error("hook " + std::to_string(hook.id) + " has no usable secret");
  net::http_request req;
  req.url = hook.url;
  req.body = ev.body;
  req.timeout = st.args.ctx->cfg.http_timeout;
  req.flow = std::to_string(hook.id); // the client shares its slots fairly across hooks
  req.headers = {{"content-type", "application/json"},
                 {"webhook-id", std::move(msg_id)},
                 {"webhook-timestamp", std::to_string(ts)},
                 {"webhook-signature", std::move(signature)},
                 {"courier-seq", std::to_string(ev.seq)},
                 {"courier-attempt", std::to_string(st.head_attempts + 1)},
                 {"user-agent", st.args.ctx->user_agent}};
  auto fence = st.args.fence;
  req.may_send = [fence] {
    return fence->open();
  };
  return req;
}

void schedule_send(delivery_actor* self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  st.retry_scheduled = true;
  self->delayed_send(self, delay, send_atom::value);
}

void try_send(delivery_actor* self) {
  auto& st = self->state;
  if (st.stopping || st.in_flight || st.retry_scheduled)
    return;
  if (st.buffer.size() < refill_below)
    fetch(self);
  if (st.buffer.empty())
    return;
  if (!st.args.fence->open()) {
    // Self-expired or being handed over: hold the head until the fence says otherwise.
    schedule_send(self, std::chrono::milliseconds{100});
    return;
  }
  const auto& head = st.buffer.front();
  auto req = build_request(st, head);
  st.in_flight = true;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  auto seq = head.seq;
  auto started = std::chrono::steady_clock::now();
  auto metrics = st.args.ctx->metrics;
  st.args.ctx->http->send(std::move(req), [me, seq, started, metrics](net::http_result r) {
    metrics->attempt_duration().Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    caf::anon_send(me, http_done_atom::value, seq, std::move(r));
  });
}

std::string describe_failure(const net::http_result& r) {
  if (r.failure == net::http_failure::none) {
    auto text = "HTTP " + std::to_string(r.status);
    if (!r.body_excerpt.empty()) {
      // One line for logs and hook_status, whatever the subscriber sent.
      auto excerpt = r.body_excerpt.substr(0, 200);
      for (auto& c : excerpt)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
          c = ' ';
      text += ": " + excerpt;
    }
    return text;
  }
  return std::string{net::to_string(r.failure)} + ": " + r.error;
}

void on_success(delivery_actor* self) {
  auto& st = self->state;
  auto ev = std::move(st.buffer.front());
  st.buffer.pop_front();
  if (st.head_attempts > 0)
    st.log->info("hook {} seq {} delivered after {} attempts", st.args.hook.id, ev.seq,
                 st.head_attempts + 1);
  st.head_attempts = 0;
  st.metrics.head_attempts->Set(0);
  st.metrics.delivered->Increment();
  st.args.ctx->metrics->delivery_latency().Observe(
      std::max<double>(0.0, static_cast<double>(unix_ms() - ev.emitted_at_ms) / 1000.0));
  self->send(st.args.flusher, advance_atom::value, position(st, ev.seq));
}

void park(delivery_actor* self, const std::string& error) {
  auto& st = self->state;
  const auto& head = st.buffer.front();
  dead_letter_request req{position(st, head.seq), st.head_attempts, error};
  st.log->warn("hook {} seq {} dead-lettered after {} attempts: {}", st.args.hook.id, head.seq,
               st.head_attempts, error);
  st.in_flight = true; // nothing else may go out until the park is durable
  caf::actor me = caf::actor_cast<caf::actor>(self);
  auto seq = head.seq;
  st.args.ctx->db->park_dead_letter(std::move(req), [me, seq](outcome<bool> r) {
    caf::anon_send(me, parked_atom::value, seq, std::move(r));
  });
}

void on_failure(delivery_actor* self, const net::http_result& r) {
  auto& st = self->state;
  const auto& cfg = st.args.ctx->cfg;
  ++st.head_attempts;
  st.metrics.failed->Increment();
  st.metrics.head_attempts->Set(st.head_attempts);
  auto error = describe_failure(r);
  auto seq = st.buffer.front().seq;
  if (cfg.poison == config::poison_policy::dead_letter && st.head_attempts >= cfg.max_attempts) {
    park(self, error);
    return;
  }
  std::optional<std::chrono::milliseconds> retry_after;
  if (r.retry_after)
    retry_after = parse_retry_after(*r.retry_after, std::chrono::system_clock::now());
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  auto delay = st.args.ctx->retry.next_delay(st.head_attempts, retry_after, unit(st.rng));
  // Logged and recorded on attempts 1, 2, 4, 8...: visible without flooding.
  if (is_power_of_two(st.head_attempts)) {
    st.log->warn("hook {} blocked on seq {}: attempt {} failed ({}); next try in {} ms",
                 st.args.hook.id, seq, st.head_attempts, error, delay.count());
    st.args.ctx->db->record_failure({position(st, seq), st.head_attempts, error},
                                    log_if_failed(st.log, "recording a delivery failure"));
  }
  schedule_send(self, delay);
}

caf::behavior delivery_behavior(delivery_actor* self, delivery_args args) {
  auto& st = self->state;
  self->set_exception_handler(exception_to_error);
  st.log = net::logger("dispatch");
  st.metrics = args.ctx->metrics->for_hook(args.hook.id);
  st.fetched_through = args.hook.delivered_seq;
  st.head_attempts = args.hook.head_attempts;
  st.metrics.head_attempts->Set(st.head_attempts);
  st.rng.seed(static_cast<std::uint64_t>(args.hook.id) ^ static_cast<std::uint64_t>(unix_ms()));
  st.args = std::move(args);
  fetch(self);
  return {
      [=](wake_atom) {
        auto& st = self->state;
        st.more_available = true;
        if (!st.fetching && st.buffer.size() < refill_below)
          fetch(self);
      },
      [=](fetched_atom, outcome<std::vector<outbox_event>>& result) {
        auto& st = self->state;
        st.fetching = false;
        if (!result.ok()) // the store failed us: crash, be restarted from the cursor
          return self->quit(caf::make_error(caf::sec::runtime_error,
                                            "fetching events: " + result.error->message));
        auto full = result.value.size() >= static_cast<std::size_t>(st.args.ctx->fetch_batch);
        st.more_available = st.more_available || full;
        for (auto& ev : result.value) {
          if (ev.seq <= st.fetched_through)
            continue;
          st.fetched_through = ev.seq;
          st.buffer.push_back(std::move(ev));
        }
        try_send(self);
        if (st.more_available && st.buffer.size() < refill_below)
          fetch(self);
      },
      [=](send_atom) {
        self->state.retry_scheduled = false;
        try_send(self);
      },
      [=](http_done_atom, std::int64_t seq, net::http_result& r) {
        auto& st = self->state;
        st.in_flight = false;
        if (st.buffer.empty() || st.buffer.front().seq != seq)
          return; // cannot happen: one request at a time; ignore defensively
        if (r.failure == net::http_failure::fenced || r.failure == net::http_failure::shutdown) {
          if (st.stopping)
            return self->quit();
          return schedule_send(self, std::chrono::milliseconds{100}); // not an attempt
        }
        if (r.failure == net::http_failure::none && r.status >= 200 && r.status < 300) {
          on_success(self);
        } else if (r.failure == net::http_failure::none && r.status == 410) {
          st.log->warn("hook {} answered 410 Gone: disabling it", st.args.hook.id);
          // Stop only once the hook is durably disabled, so the partition actor,
          // reloading after we exit, cannot see it active and start us again.
          st.stopping = true;
          caf::actor me = caf::actor_cast<caf::actor>(self);
          st.args.ctx->db->disable_hook(
              st.args.hook.id, "subscriber answered 410 Gone",
              [me](outcome<bool>) { caf::anon_send(me, stop_atom::value); });
          return;
        } else {
          on_failure(self, r);
        }
        if (st.stopping)
          return self->quit();
        try_send(self);
      },
      [=](parked_atom, std::int64_t seq, outcome<bool>& r) {
        auto& st = self->state;
        st.in_flight = false;
        if (!r.ok())
          return self->quit(caf::make_error(caf::sec::runtime_error,
                                            "parking a dead letter: " + r.error->message));
        if (!r.value) { // fenced: the partition has a new owner
          st.args.ctx->metrics->fenced_writes().Increment();
          st.stopping = true;
          return self->quit();
        }
        if (!st.buffer.empty() && st.buffer.front().seq == seq)
          st.buffer.pop_front();
        st.head_attempts = 0;
        st.metrics.head_attempts->Set(0);
        st.metrics.dead_lettered->Increment();
        if (st.stopping)
          return self->quit();
        try_send(self);
      },
      [=](spec_atom, hook_spec& spec) {
        auto& hook = self->state.args.hook;
        hook.url = std::move(spec.url);
        hook.secrets = std::move(spec.secrets);
      },
      [=](stop_atom) {
        auto& st = self->state;
        st.stopping = true;
        if (!st.in_flight)
          self->quit();
      },
  };
}

} // namespace

caf::actor spawn_delivery_actor(caf::local_actor* parent, delivery_args args) {
  return parent->spawn<caf::monitored>(delivery_behavior, std::move(args));
}

} // namespace courier
