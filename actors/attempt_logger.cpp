#include "actors/attempt_logger.hpp"

#include "net/log.hpp"

#include <deque>

namespace courier {

using namespace atoms;

namespace {

struct logger_state {
  static inline const char* name = "courier.attempt_logger";

  std::shared_ptr<const node_context> ctx;
  attempt_logger_limits limits;
  std::shared_ptr<spdlog::logger> log;
  std::deque<attempt_record> pending;
  std::size_t writing = 0; // records of the batch in flight (the front of `pending`)
  bool tick_scheduled = false;
  std::uint64_t dropped = 0;                              // given up since the last report
  std::vector<caf::typed_response_promise<bool>> flushes; // answered when pending is empty
  actor_probe probe; // last: goes before ctx, which keeps its metrics alive
};

using logger_actor = attempt_logger_self::stateful_base<logger_state>;

void schedule(logger_actor* self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  if (st.tick_scheduled)
    return;
  st.tick_scheduled = true;
  self->delayed_send(self, delay, tick_atom::value);
}

void answer_flushes(logger_state& st) {
  for (auto& rp : st.flushes)
    rp.deliver(true);
  st.flushes.clear();
}

void write(logger_actor* self) {
  auto& st = self->state;
  if (st.writing > 0)
    return; // the completion writes again
  if (st.pending.empty())
    return answer_flushes(st);
  st.writing = std::min(st.pending.size(), st.limits.batch);
  std::vector<attempt_record> batch(st.pending.begin(),
                                    st.pending.begin() + static_cast<std::ptrdiff_t>(st.writing));
  attempt_logger_self me{self};
  st.ctx->db->record_attempts(std::move(batch), [me](result<void> r) {
    caf::anon_send(me, logged_atom::value, std::move(r));
  });
}

void on_logged(logger_actor* self, const result<void>& r) {
  auto& st = self->state;
  auto written = st.writing;
  st.writing = 0;
  if (!r.ok()) {
    st.log->warn("writing {} attempts to the attempt log failed ({}); retrying", written,
                 to_string(r.error()));
    schedule(self, st.limits.retry_delay);
    return;
  }
  st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<std::ptrdiff_t>(written));
  if (st.pending.size() >= st.limits.batch || (!st.pending.empty() && !st.flushes.empty()))
    write(self);
  else if (!st.pending.empty())
    schedule(self, st.limits.interval);
  else
    answer_flushes(st);
}

void add(logger_actor* self, std::vector<attempt_record>& records) {
  auto& st = self->state;
  for (auto& record : records) {
    // Bounded while the store is failing: the oldest records not being written go first.
    if (st.pending.size() >= st.limits.backlog && st.pending.size() > st.writing) {
      st.pending.erase(st.pending.begin() + static_cast<std::ptrdiff_t>(st.writing));
      if (st.dropped++ % 1000 == 0)
        st.log->warn("attempt log backlog full ({} records): dropping the oldest unwritten ones",
                     st.limits.backlog);
    }
    st.pending.push_back(std::move(record));
  }
  if (st.pending.size() >= st.limits.batch)
    write(self);
  else
    schedule(self, st.limits.interval);
}

attempt_logger_self::behavior_type logger_behavior(logger_actor* self,
                                                   std::shared_ptr<const node_context> ctx,
                                                   attempt_logger_limits limits) {
  auto& st = self->state;
  st.ctx = std::move(ctx);
  st.limits = limits;
  st.log = net::logger("store");
  st.probe = actor_probe{self, st.ctx->metrics->of_type(actor_type::attempt_logger)};
  return instrumented<attempt_logger_self::behavior_type>(
      st.probe, [=](attempt_atom, std::vector<attempt_record>& records) { add(self, records); },
      [=](tick_atom) {
        self->state.tick_scheduled = false;
        write(self);
      },
      [=](logged_atom, result<void>& r) { on_logged(self, r); },
      [=](flush_atom) {
        auto rp = self->make_response_promise<bool>();
        self->state.flushes.push_back(rp);
        write(self);
        return rp;
      });
}

} // namespace

attempt_logger spawn_attempt_logger(caf::actor_system& sys, std::shared_ptr<const node_context> ctx,
                                    attempt_logger_limits limits) {
  return sys.spawn(logger_behavior, std::move(ctx), limits);
}

attempt_batch::attempt_batch(attempt_logger logger, std::size_t max)
    : logger_(std::move(logger)), max_(std::max<std::size_t>(1, max)) {}

attempt_batch::attempt_batch(attempt_batch&& other) noexcept
    : logger_(std::move(other.logger_)), max_(other.max_), records_(std::move(other.records_)) {
  other.records_.clear();
}

attempt_batch& attempt_batch::operator=(attempt_batch&& other) noexcept {
  if (this != &other) {
    flush();
    logger_ = std::move(other.logger_);
    max_ = other.max_;
    records_ = std::move(other.records_);
    other.records_.clear();
  }
  return *this;
}

attempt_batch::~attempt_batch() {
  flush();
}

void attempt_batch::add(attempt_record record) {
  if (!logger_)
    return;
  records_.push_back(std::move(record));
  if (records_.size() >= max_)
    flush();
}

void attempt_batch::flush() {
  if (records_.empty() || !logger_)
    return;
  caf::anon_send(logger_, attempt_atom::value, std::move(records_));
  records_.clear();
}

} // namespace courier
