#include "actors/delivery_actor.hpp"

#include "actors/exit_reason.hpp"
#include "actors/messages.hpp"
#include "actors/policy/hook_policy.hpp"
#include "actors/policy/unordered_window.hpp"
#include "actors/unix_time.hpp"
#include "actors/webhook/attempt.hpp"
#include "actors/webhook/trace_context.hpp"
#include "net/log.hpp"

#include <deque>
#include <random>

namespace courier {

using namespace atoms;

namespace {

constexpr std::size_t refill_below = 32; // prefetch the next batch when this few remain
// How soon a hook refused by the byte budget asks again: long enough not to spin, short
// against a delivery's round trip.
constexpr std::chrono::milliseconds budget_retry_delay{50};
// Attempts a busy deliverer tells the attempt log in one message.
constexpr std::size_t attempts_per_message = 64;

bool is_power_of_two(int n) {
  return n > 0 && (n & (n - 1)) == 0;
}

struct delivery_state {
  static inline const char* name = "courier.delivery";

  delivery_args args;
  webhook::attempt_settings attempt;
  std::optional<hook_policy> policy; // set before the first message
  delivery_metrics metrics;
  blocked_mark blocked; // counted in metrics.blocked_hooks while the head is failing
  std::shared_ptr<spdlog::logger> log;
  std::deque<outbox_event> buffer;
  unordered_window window;         // ordering none: one slot per buffered event (slot i: buffer[i])
  std::size_t parks_under_way = 0; // ordering none: dead letters being written
  std::optional<std::chrono::steady_clock::time_point> wake_at; // ordering none: timer set
  hook_byte_share bytes; // the buffer's share of the node's byte budget
  bool awaiting_budget = false;
  std::int64_t fetch_max_bytes = 0; // the byte cap of the fetch in flight
  stream_seq fetched_through{};     // highest seq buffered or delivered
  bool fetching = false;
  bool more_available = true; // the last fetch was full, or a wake-up came
  bool in_flight = false;
  bool retry_scheduled = false;
  bool stopping = false;
  bool retiring = false; // stopping once the hook's disable or pause is durable
  int head_attempts = 0;
  // Batches: how many events from the head the range in flight (or awaiting its retry)
  // holds; a failed range is retried as the same range. 0: none chosen yet.
  std::size_t range = 0;
  std::int64_t range_first_attempt_ms = 0; // the batch's "timestamp"
  // Dead-lettering the head range event by event: how many are left, with what.
  std::size_t parks_left = 0;
  int park_attempts = 0;
  std::string park_error;
  std::int64_t failing_since_ms = 0; // unix ms the head's failures began; 0: not failing
  std::chrono::steady_clock::time_point next_send_at; // rate_limit: not before this
  std::int64_t sent_at_ms = 0; // unix ms the attempt in flight went out (the attempt log)
  std::chrono::steady_clock::time_point sent_at;
  attempt_batch attempts;       // for the attempt log; empty (dropping) when it is off
  std::uint64_t activity = 0;   // messages handled: an idle timer armed before one is stale
  std::uint64_t wakes_seen = 0; // from the partition actor (told when passivating)
  std::mt19937_64 rng;
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using delivery_impl = delivery_actor_self::stateful_base<delivery_state>;

// Every exit goes through here: a stopping actor is never idle, so no passivation timer
// outlives it.
void exit_now(delivery_impl* self, caf::error reason = caf::error{}) {
  self->state.stopping = true;
  self->quit(std::move(reason));
}

cursor_update position(const delivery_state& st, stream_seq seq) {
  return {st.args.hook.id, st.args.hook.partition, st.args.epoch, seq};
}

void fetch(delivery_impl* self) {
  auto& st = self->state;
  if (st.fetching || st.stopping || !st.more_available || st.awaiting_budget ||
      !st.bytes.wants_more())
    return;
  auto max_bytes = st.bytes.grant_fetch();
  if (!max_bytes) { // the node's budget is spent: ask again once deliveries freed some
    st.awaiting_budget = true;
    self->delayed_send(self, budget_retry_delay, budget_atom::value);
    return;
  }
  st.fetching = true;
  st.more_available = false;
  st.fetch_max_bytes = *max_bytes;
  delivery_actor_self me{self};
  st.args.ctx->db->fetch_events(st.args.hook.id, st.fetched_through, st.args.ctx->fetch_batch,
                                *max_bytes, [me](result<std::vector<outbox_event>> result) {
                                  caf::anon_send(me, fetched_atom::value, std::move(result));
                                });
}

// The head leaves the buffer (delivered or parked), and its bytes the budget.
outbox_event pop_head(delivery_state& st) {
  auto ev = std::move(st.buffer.front());
  st.buffer.pop_front();
  st.window.pop_front();
  st.bytes.release(static_cast<std::int64_t>(ev.body.size()));
  return ev;
}

void schedule_send(delivery_impl* self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  st.retry_scheduled = true;
  self->delayed_send(self, delay, try_send_atom::value);
}

// The head range of a batch: pinned while it is retried, else as many buffered events
// from the head as batch_max and batch_max_bytes allow (at least one).
std::size_t choose_range(delivery_state& st) {
  if (st.range == 0) {
    std::int64_t bytes = 0;
    for (const auto& ev : st.buffer) {
      if (st.range > 0 && (static_cast<int>(st.range) == st.policy->batch_max ||
                           bytes + ev.payload_bytes > st.policy->batch_max_bytes))
        break;
      bytes += ev.payload_bytes;
      ++st.range;
    }
    st.range_first_attempt_ms = unix_ms();
  }
  return st.range;
}

void try_send_unordered(delivery_impl* self);

void try_send(delivery_impl* self) {
  auto& st = self->state;
  if (st.policy->unordered)
    return try_send_unordered(self);
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
  const auto now = std::chrono::steady_clock::now();
  if (now < st.next_send_at) { // rate_limit: the next request waits its turn
    schedule_send(self,
                  std::chrono::duration_cast<std::chrono::milliseconds>(st.next_send_at - now) +
                      std::chrono::milliseconds{1});
    return;
  }
  st.next_send_at = now + st.policy->send_interval;
  const auto& head = st.buffer.front();
  webhook::attempt_identity attempt{st.head_attempts + 1, unix_ms() / 1000, st.rng()};
  auto built = st.policy->batches()
                   ? webhook::build_batch_request(st.args.hook, st.buffer, choose_range(st),
                                                  st.range_first_attempt_ms, attempt, st.attempt)
                   : webhook::build_request(st.args.hook, head, attempt, st.attempt);
  if (!built.ok()) // bad data: fail, the partition actor restarts or quarantines us
    return exit_now(self, exit_reason(built.error()));
  auto req = std::move(built.value());
  req.may_send = [fence = st.args.fence] {
    return fence->open();
  };
  st.in_flight = true;
  delivery_actor_self me{self};
  auto seq = head.seq;
  auto started = std::chrono::steady_clock::now();
  st.sent_at = started;
  st.sent_at_ms = unix_ms();
  auto metrics = st.args.ctx->metrics;
  st.args.ctx->http->send(std::move(req), [me, seq, started, metrics](net::http_result r) {
    metrics->attempt_duration().Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    caf::anon_send(me, http_done_atom::value, seq, std::move(r));
  });
}

// Tells the attempt log about the attempt that just came back for the head event.
void log_attempt(delivery_state& st, const outbox_event& ev, int attempt, std::int64_t sent_at_ms,
                 std::chrono::steady_clock::time_point sent_at, const net::http_result& r,
                 webhook::verdict v) {
  const auto& text = r.failure == net::http_failure::none ? r.body_excerpt : r.error;
  attempt_record record{
      st.args.hook.id,
      ev.seq,
      ev.event_id,
      attempt,
      st.args.epoch,
      sent_at_ms,
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                            sent_at)
          .count(),
      webhook::outcome_class(r, v),
      r.failure == net::http_failure::none ? r.status : 0,
      webhook::excerpt(text, static_cast<std::size_t>(st.args.ctx->cfg.attempt_body_bytes))};
  st.attempts.add(std::move(record));
}

// The attempt that just came back for the head event (strict order).
void log_attempt(delivery_state& st, const net::http_result& r, webhook::verdict v) {
  log_attempt(st, st.buffer.front(), st.head_attempts + 1, st.sent_at_ms, st.sent_at, r, v);
}

// The head event, or the head range of a batch, is acknowledged.
void on_success(delivery_impl* self) {
  auto& st = self->state;
  const auto count = std::min(std::max<std::size_t>(st.range, 1), st.buffer.size());
  const auto now = unix_ms();
  stream_seq last{};
  for (std::size_t i = 0; i < count; ++i) {
    auto ev = pop_head(st);
    if (i == 0 && st.head_attempts > 0)
      st.log->info("hook {} seq {} delivered after {} attempts{}", raw(st.args.hook.id),
                   raw(ev.seq), st.head_attempts + 1, webhook::trace_log_suffix(ev.traceparent));
    st.metrics.delivered->Increment();
    st.args.ctx->metrics->delivery_latency().Observe(
        std::max<double>(0.0, static_cast<double>(now - ev.emitted_at_ms) / 1000.0));
    last = ev.seq;
  }
  st.range = 0;
  st.head_attempts = 0;
  st.failing_since_ms = 0;
  st.blocked.set(false);
  self->send(st.args.flusher, advance_atom::value, position(st, last));
}

// Dead-letters the head event (the next of the range being parked).
void park_next(delivery_impl* self) {
  auto& st = self->state;
  const auto& head = st.buffer.front();
  dead_letter_request req{position(st, head.seq), st.park_attempts, st.park_error};
  st.log->warn("hook {} seq {} dead-lettered after {} attempts: {}{}", raw(st.args.hook.id),
               raw(head.seq), st.park_attempts, st.park_error,
               webhook::trace_log_suffix(head.traceparent));
  st.in_flight = true; // nothing else may go out until the park is durable
  delivery_actor_self me{self};
  auto seq = head.seq;
  st.args.ctx->db->park_dead_letter(std::move(req), [me, seq](result<void> r) {
    caf::anon_send(me, parked_atom::value, seq, std::move(r));
  });
}

// The head event — or each event of a batch's head range, one by one — goes to the dead
// letters with the attempts and the error that condemned it.
void park(delivery_impl* self, const std::string& error) {
  auto& st = self->state;
  st.parks_left = std::min(std::max<std::size_t>(st.range, 1), st.buffer.size());
  st.park_attempts = st.head_attempts;
  st.park_error = error;
  park_next(self);
}

// The head has failed for longer than pause_after: pause the hook (nothing is lost) and
// stop once that is durable, like after 410 Gone.
void pause_hook(delivery_impl* self, const std::string& error) {
  auto& st = self->state;
  auto reason =
      "head event seq " + std::to_string(raw(st.buffer.front().seq)) + " failing for " +
      config::format_duration(std::chrono::milliseconds{unix_ms() - st.failing_since_ms}) +
      " (pause_after " + config::format_duration(st.policy->pause_after) + "): " + error;
  st.log->warn("hook {} paused: {}", raw(st.args.hook.id), reason);
  st.stopping = true;
  st.retiring = true;
  delivery_actor_self me{self};
  st.args.ctx->db->pause_failing_hook(
      position(st, st.buffer.front().seq), std::move(reason),
      [me](result<void> r) { caf::anon_send(me, disabled_atom::value, std::move(r)); });
}

void on_failure(delivery_impl* self, const webhook::answer& a) {
  auto& st = self->state;
  ++st.head_attempts;
  st.metrics.failed->Increment();
  st.blocked.set(true);
  if (st.failing_since_ms == 0)
    st.failing_since_ms = st.sent_at_ms;
  const auto& error = a.description;
  const auto& head = st.buffer.front();
  auto seq = head.seq;
  if (st.policy->parks_after(st.head_attempts)) {
    park(self, error);
    return;
  }
  if (st.policy->pauses(st.failing_since_ms, unix_ms())) {
    // The attempts so far are recorded with the pause's reason.
    st.args.ctx->db->record_failure({position(st, seq), st.head_attempts, error},
                                    log_if_failed(st.log, "recording a delivery failure"));
    pause_hook(self, error);
    return;
  }
  std::uniform_real_distribution<double> unit{0.0, 1.0};
  auto delay = st.policy->retry.next_delay(st.head_attempts, a.retry_after, unit(st.rng));
  // Logged and recorded on attempts 1, 2, 4, 8...: visible without flooding.
  if (is_power_of_two(st.head_attempts)) {
    st.log->warn("hook {} blocked on seq {}: attempt {} failed ({}); next try in {} ms{}",
                 raw(st.args.hook.id), raw(seq), st.head_attempts, error, delay.count(),
                 webhook::trace_log_suffix(head.traceparent));
    st.args.ctx->db->record_failure({position(st, seq), st.head_attempts, error},
                                    log_if_failed(st.log, "recording a delivery failure"));
  }
  schedule_send(self, delay);
}

// -- ordering none: up to max_in_flight_per_hook events at once, each on its own ------------

using steady_clock = std::chrono::steady_clock;

// The actor's clock (CAF's: a test drives it), for due times and timers alike.
steady_clock::time_point clock_now(delivery_impl* self) {
  return self->clock().now();
}

// Slot index of `seq` in the buffer (seqs are consecutive from its front), if buffered.
std::optional<std::size_t> slot_of(const delivery_state& st, stream_seq seq) {
  if (st.buffer.empty() || seq < st.buffer.front().seq)
    return std::nullopt;
  auto i = static_cast<std::size_t>(raw(seq) - raw(st.buffer.front().seq));
  if (i >= st.buffer.size())
    return std::nullopt;
  return i;
}

// Asks for try_send at `at` unless a timer that fires no later is already set.
void wake_at(delivery_impl* self, steady_clock::time_point at) {
  auto& st = self->state;
  if (st.wake_at && *st.wake_at <= at)
    return;
  st.wake_at = at;
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(at - clock_now(self));
  self->delayed_send(self,
                     std::max(delay, std::chrono::milliseconds{0}) + std::chrono::milliseconds{1},
                     try_send_atom::value);
}

bool nothing_under_way(const delivery_state& st) {
  return st.window.in_flight() == 0 && st.parks_under_way == 0;
}

// The finished prefix of the window leaves the buffer; the cursor moves over it.
void pop_finished(delivery_impl* self) {
  auto& st = self->state;
  const auto n = st.window.finished_prefix();
  if (n == 0)
    return;
  stream_seq last{};
  for (std::size_t i = 0; i < n; ++i)
    last = pop_head(st).seq;
  self->send(st.args.flusher, advance_atom::value, position(st, last));
  st.failing_since_ms = 0; // the head is a new event now
  st.blocked.set(st.window.failing());
}

void send_slot(delivery_impl* self, std::size_t i) {
  auto& st = self->state;
  auto& slot = st.window.at(i);
  const auto& ev = st.buffer[i];
  webhook::attempt_identity attempt{slot.attempts + 1, unix_ms() / 1000, st.rng()};
  auto built = webhook::build_request(st.args.hook, ev, attempt, st.attempt);
  if (!built.ok()) // bad data: fail, the partition actor restarts or quarantines us
    return exit_now(self, exit_reason(built.error()));
  auto req = std::move(built.value());
  req.may_send = [fence = st.args.fence] {
    return fence->open();
  };
  slot.in_flight = true;
  slot.sent_at = steady_clock::now();
  slot.sent_at_ms = unix_ms();
  delivery_actor_self me{self};
  auto seq = ev.seq;
  auto started = slot.sent_at;
  auto metrics = st.args.ctx->metrics;
  st.args.ctx->http->send(std::move(req), [me, seq, started, metrics](net::http_result r) {
    metrics->attempt_duration().Observe(
        std::chrono::duration<double>(steady_clock::now() - started).count());
    caf::anon_send(me, http_done_atom::value, seq, std::move(r));
  });
}

void try_send_unordered(delivery_impl* self) {
  auto& st = self->state;
  if (st.stopping)
    return;
  const auto window = static_cast<std::size_t>(st.policy->max_in_flight_per_hook);
  if (st.buffer.size() < std::max(refill_below, 2 * window))
    fetch(self);
  if (st.buffer.empty())
    return;
  const auto now = clock_now(self);
  if (!st.args.fence->open()) { // self-expired or handed over: hold everything
    wake_at(self, now + std::chrono::milliseconds{100});
    return;
  }
  const auto in_flight = st.window.in_flight();
  if (in_flight < window) {
    for (auto i : st.window.ready(now, window - in_flight)) {
      if (now < st.next_send_at) { // rate_limit: the next request waits its turn
        wake_at(self, st.next_send_at);
        break;
      }
      st.next_send_at = now + st.policy->send_interval;
      send_slot(self, i);
      if (st.stopping) // its request could not be built
        return;
    }
  }
  if (auto due = st.window.next_due(now))
    wake_at(self, *due);
}

void park_slot(delivery_impl* self, std::size_t i, const std::string& error) {
  auto& st = self->state;
  const auto& ev = st.buffer[i];
  // The cursor stays: it only moves over the finished prefix (pop_finished).
  dead_letter_request req{position(st, ev.seq), st.window.at(i).attempts, error, false};
  st.log->warn("hook {} seq {} dead-lettered after {} attempts: {}{}", raw(st.args.hook.id),
               raw(ev.seq), req.attempts, error, webhook::trace_log_suffix(ev.traceparent));
  ++st.parks_under_way;
  delivery_actor_self me{self};
  auto seq = ev.seq;
  st.args.ctx->db->park_dead_letter(std::move(req), [me, seq](result<void> r) {
    caf::anon_send(me, parked_atom::value, seq, std::move(r));
  });
}

void after_unordered_change(delivery_impl* self) {
  auto& st = self->state;
  if (st.retiring)
    return;
  if (st.stopping) {
    if (nothing_under_way(st))
      exit_now(self);
    return;
  }
  try_send_unordered(self);
}

// The subscriber answered 410 Gone: disable the hook, and stop only once that is durable,
// so the partition actor, reloading after we exit, cannot see it active and start us again.
void retire_gone_hook(delivery_impl* self) {
  auto& st = self->state;
  st.log->warn("hook {} answered 410 Gone: disabling it", raw(st.args.hook.id));
  st.stopping = true;
  st.retiring = true;
  delivery_actor_self me{self};
  st.args.ctx->db->disable_hook(
      st.args.hook.id, "subscriber answered 410 Gone",
      [me](result<void> r) { caf::anon_send(me, disabled_atom::value, std::move(r)); });
}

void unordered_http_done(delivery_impl* self, stream_seq seq, const net::http_result& r) {
  auto& st = self->state;
  auto i = slot_of(st, seq);
  if (!i)
    return; // cannot happen: a slot leaves only when finished
  auto& slot = st.window.at(*i);
  slot.in_flight = false;
  auto a = webhook::classify(r, std::chrono::system_clock::now());
  const auto& ev = st.buffer[*i];
  if (a.kind != webhook::verdict::not_sent)
    log_attempt(st, ev, slot.attempts + 1, slot.sent_at_ms, slot.sent_at, r, a.kind);
  switch (a.kind) {
  case webhook::verdict::not_sent:
    slot.due = clock_now(self) + std::chrono::milliseconds{100};
    break;
  case webhook::verdict::delivered:
    slot.finished = true;
    st.metrics.delivered->Increment();
    st.args.ctx->metrics->delivery_latency().Observe(
        std::max<double>(0.0, static_cast<double>(unix_ms() - ev.emitted_at_ms) / 1000.0));
    pop_finished(self);
    break;
  case webhook::verdict::gone:
    return retire_gone_hook(self);
  case webhook::verdict::retry_after:
  case webhook::verdict::retryable: {
    ++slot.attempts;
    st.metrics.failed->Increment();
    st.blocked.set(true);
    if (*i == 0 && st.failing_since_ms == 0)
      st.failing_since_ms = slot.sent_at_ms;
    if (st.policy->parks_after(slot.attempts)) {
      park_slot(self, *i, a.description);
      break;
    }
    if (*i == 0 && st.policy->pauses(st.failing_since_ms, unix_ms())) {
      st.args.ctx->db->record_failure({position(st, seq), slot.attempts, a.description},
                                      log_if_failed(st.log, "recording a delivery failure"));
      return pause_hook(self, a.description);
    }
    std::uniform_real_distribution<double> unit{0.0, 1.0};
    auto delay = st.policy->retry.next_delay(slot.attempts, a.retry_after, unit(st.rng));
    slot.due = clock_now(self) + delay;
    if (*i == 0 && is_power_of_two(slot.attempts))
      st.args.ctx->db->record_failure({position(st, seq), slot.attempts, a.description},
                                      log_if_failed(st.log, "recording a delivery failure"));
    break;
  }
  }
  after_unordered_change(self);
}

// The answer to the head event's request (strict order, one at a time).
void strict_http_done(delivery_impl* self, stream_seq seq, const net::http_result& r) {
  auto& st = self->state;
  st.in_flight = false;
  if (st.buffer.empty() || st.buffer.front().seq != seq)
    return; // cannot happen: one request at a time; ignore defensively
  auto a = webhook::classify(r, std::chrono::system_clock::now());
  if (a.kind != webhook::verdict::not_sent)
    log_attempt(st, r, a.kind);
  switch (a.kind) {
  case webhook::verdict::not_sent:
    if (st.stopping)
      return exit_now(self);
    return schedule_send(self, std::chrono::milliseconds{100}); // hold the head
  case webhook::verdict::delivered:
    on_success(self);
    break;
  case webhook::verdict::gone:
    return retire_gone_hook(self);
  case webhook::verdict::retry_after:
  case webhook::verdict::retryable:
    on_failure(self, a);
    break;
  }
  if (st.retiring) // exits once the pause is durable (see pause_hook)
    return;
  if (st.stopping)
    return exit_now(self);
  try_send(self);
}

void unordered_parked(delivery_impl* self, stream_seq seq, const result<void>& r) {
  auto& st = self->state;
  --st.parks_under_way;
  if (!r.ok()) {
    if (r.error().code == errc::fenced)
      st.args.ctx->metrics->fenced_writes().Increment();
    st.stopping = true;
    return exit_now(self, exit_reason(r.error()));
  }
  if (auto i = slot_of(st, seq)) {
    st.window.at(*i).finished = true;
    st.metrics.dead_lettered->Increment();
    pop_finished(self);
  }
  after_unordered_change(self);
}

// The hook's own settings where it has them, the node's elsewhere; later attempts (and
// the retry after the current one) use them.
void apply_options(delivery_state& st, const hook_options& own, const node_context& ctx) {
  st.policy = hook_policy::resolve(own, ctx.cfg, ctx.retry);
  st.attempt = {ctx.user_agent, st.policy->http_timeout};
  if (!st.policy->batches()) // one event at a time again: an acked range redelivers at most
    st.range = 0;
}

// Nothing to send, nothing under way: the state in which the actor may passivate.
bool quiescent(const delivery_state& st) {
  return st.buffer.empty() && !st.fetching && !st.more_available && !st.in_flight &&
         !st.retry_scheduled && !st.stopping && !st.awaiting_budget && nothing_under_way(st);
}

// After each message: with no request out, tell the attempt log what gathered (busy, the
// actor tells it in batches); when it left the actor with nothing to do, passivate unless
// another message comes within passivate_after.
void after_message(delivery_impl* self) {
  auto& st = self->state;
  if (st.policy->unordered ? st.window.in_flight() == 0 : !st.in_flight)
    st.attempts.flush();
  if (quiescent(st))
    self->delayed_send(self, st.args.ctx->cfg.passivate_after, idle_atom::value, st.activity);
}

// A handler with F's exact signature (CAF matches handlers by it) that counts its message
// as activity, staling idle timers armed before it, and runs after_message.
template <class F, class Signature> struct activity_handler;

template <class F, class... Ts> struct activity_handler<F, void(Ts...)> {
  delivery_impl* self;
  F handler;

  void operator()(Ts... xs) {
    ++self->state.activity;
    handler(std::forward<Ts>(xs)...);
    after_message(self);
  }
};

template <class F> auto active(delivery_impl* self, F handler) {
  return activity_handler<F, typename caf::detail::get_callable_trait<F>::fun_sig>{
      self, std::move(handler)};
}

delivery_actor_self::behavior_type delivery_behavior(delivery_impl* self, delivery_args args) {
  auto& st = self->state;
  self->set_exception_handler(exception_to_error);
  st.log = net::logger("dispatch");
  apply_options(st, args.hook.options, *args.ctx);
  st.metrics = args.ctx->metrics->deliveries();
  st.blocked = blocked_mark{st.metrics.blocked_hooks};
  st.fetched_through = args.hook.delivered_seq;
  st.head_attempts = args.hook.head_attempts;
  st.failing_since_ms = args.hook.head_failing_since_ms;
  st.blocked.set(st.head_attempts > 0);
  st.bytes = hook_byte_share{args.ctx->budget, args.ctx->cfg.max_prefetch_bytes_per_hook};
  if (args.attempts)
    st.attempts = attempt_batch{args.attempts, attempts_per_message};
  st.rng.seed(static_cast<std::uint64_t>(raw(args.hook.id)) ^
              static_cast<std::uint64_t>(unix_ms()));
  st.args = std::move(args);
  fetch(self);
  st.probe = actor_probe{self, st.args.ctx->metrics->of_type(actor_type::delivery)};
  return instrumented<delivery_actor_self::behavior_type>(
      st.probe,
      active(self,
             [=](wake_atom) {
               auto& st = self->state;
               ++st.wakes_seen;
               st.more_available = true;
               // While the head is failing or its request is still out, a wake-up (a
               // NOTIFY, the backlog scan) fetches nothing: what comes after the head waits
               // for it anyway, the next send fetches (more_available), and hundreds of
               // hung hooks fetching on every scan would starve the healthy ones' reads.
               if (!st.fetching && st.buffer.size() < refill_below && st.head_attempts == 0 &&
                   !st.in_flight)
                 fetch(self);
             }),
      active(self,
             [=](budget_atom) {
               self->state.awaiting_budget = false;
               fetch(self);
             }),
      [=](idle_atom, std::uint64_t armed_at) {
        auto& st = self->state;
        if (armed_at != st.activity || !quiescent(st))
          return;
        self->send(st.args.parent, passivated_atom::value, st.args.hook.id, st.fetched_through,
                   st.wakes_seen);
        exit_now(self);
      },
      active(self,
             [=](fetched_atom, result<std::vector<outbox_event>>& fetched) {
               auto& st = self->state;
               st.fetching = false;
               // The store failed us: exit with its error; the partition actor decides by its
               // class how soon to restart us from the durable cursor.
               if (!fetched.ok())
                 return exit_now(self,
                                 exit_reason(with_context(fetched.error(), "fetching events")));
               auto& events = fetched.value();
               std::int64_t payload_bytes = 0;
               for (const auto& ev : events)
                 payload_bytes += ev.payload_bytes;
               auto full = events.size() >= static_cast<std::size_t>(st.args.ctx->fetch_batch) ||
                           payload_bytes >= st.fetch_max_bytes;
               st.more_available = st.more_available || full;
               std::int64_t fetched_bytes = 0;
               for (auto& ev : events) {
                 if (ev.seq <= st.fetched_through)
                   continue;
                 st.fetched_through = ev.seq;
                 fetched_bytes += static_cast<std::int64_t>(ev.body.size());
                 st.buffer.push_back(std::move(ev));
                 st.window.push_back();
               }
               st.bytes.settle(fetched_bytes);
               try_send(self);
               if (st.more_available && st.buffer.size() < refill_below)
                 fetch(self);
             }),
      active(self,
             [=](try_send_atom) {
               self->state.retry_scheduled = false;
               self->state.wake_at.reset();
               try_send(self);
             }),
      active(self,
             [=](http_done_atom, stream_seq seq, net::http_result& r) {
               auto& st = self->state;
               if (st.policy->unordered)
                 unordered_http_done(self, seq, r);
               else
                 strict_http_done(self, seq, r);
             }),
      active(self,
             [=](parked_atom, stream_seq seq, result<void>& r) {
               auto& st = self->state;
               if (st.policy->unordered)
                 return unordered_parked(self, seq, r);
               st.in_flight = false;
               if (!r.ok()) {
                 // Fenced (the partition has a new owner) or a store failure: the partition
                 // actor reads the class from the exit reason and drops the partition, or
                 // restarts us from the durable cursor.
                 if (r.error().code == errc::fenced)
                   st.args.ctx->metrics->fenced_writes().Increment();
                 st.stopping = true;
                 return exit_now(self, exit_reason(r.error()));
               }
               if (!st.buffer.empty() && st.buffer.front().seq == seq)
                 pop_head(st);
               st.metrics.dead_lettered->Increment();
               if (--st.parks_left > 0 && !st.buffer.empty())
                 return park_next(self); // the rest of the batch's range
               st.parks_left = 0;
               st.range = 0;
               st.head_attempts = 0;
               st.failing_since_ms = 0;
               st.blocked.set(false);
               if (st.stopping)
                 return exit_now(self);
               try_send(self);
             }),
      [=](disabled_atom, result<void>& r) {
        // A failed disable (or pause) exits with its error, so the partition actor
        // applies its restart policy (a fenced one drops the partition) before it is
        // asked for again.
        if (!r.ok()) {
          if (r.error().code == errc::fenced)
            self->state.args.ctx->metrics->fenced_writes().Increment();
          return exit_now(self, exit_reason(with_context(r.error(), "disabling the hook")));
        }
        exit_now(self);
      },
      [=](hook_spec_atom, hook_spec& spec) {
        auto& st = self->state;
        auto& hook = st.args.hook;
        hook.url = std::move(spec.url);
        hook.secrets = std::move(spec.secrets);
        hook.options = std::move(spec.options);
        const bool was_unordered = st.policy->unordered;
        apply_options(st, hook.options, *st.args.ctx);
        if (st.policy->unordered != was_unordered) {
          // The other mode keeps other books: finish what is under way and exit; the
          // partition actor, reloading, starts the hook again from its durable cursor.
          st.log->info("hook {}: ordering changed; restarting its deliverer", raw(hook.id));
          st.policy->unordered = was_unordered;
          st.stopping = true;
          if (!st.in_flight && !st.retiring && nothing_under_way(st))
            exit_now(self);
        }
      },
      [=](stop_atom) {
        auto& st = self->state;
        st.stopping = true;
        if (!st.in_flight && !st.retiring && nothing_under_way(st))
          exit_now(self);
      });
}

} // namespace

delivery_actor spawn_delivery_actor(caf::local_actor* parent, delivery_args args) {
  return parent->spawn<caf::monitored>(delivery_behavior, std::move(args));
}

} // namespace courier
