#pragma once
// Deterministic actor tests without CAF's Boost.Test-style DSL: a real actor_system
// running CAF's test_coordinator (single-threaded; messages run only when the test
// calls run(), timers fire only when it calls fire_timer()), plus fakes of the store
// and the HTTP client that record every call. The fakes answer on the test thread,
// either at once or when the test releases a held callback.
#include "actors/cursor_flusher.hpp"
#include "actors/delivery_actor.hpp"
#include "actors/messages.hpp"
#include "actors/node_context.hpp"
#include "actors/ports/store.hpp"
#include "actors/telemetry.hpp"
#include "net/http_sender.hpp"

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace courier {

// Ids print as their integer in test failures.
inline void PrintTo(hook_id id, std::ostream* os) {
  *os << "hook " << raw(id);
}
inline void PrintTo(partition_id id, std::ostream* os) {
  *os << "partition " << raw(id);
}
inline void PrintTo(lease_epoch id, std::ostream* os) {
  *os << "epoch " << raw(id);
}
inline void PrintTo(stream_seq id, std::ostream* os) {
  *os << "seq " << raw(id);
}

} // namespace courier

namespace courier::testing {

// -- fake store ---------------------------------------------------------------------

struct fetch_call {
  hook_id hook{};
  stream_seq after{};
  int limit = 0;
  std::int64_t max_bytes = 0;
};

// Each operation either answers inside the call (the default) or, when its hold_*
// flag is set, keeps the callback until the test calls release_*().
class fake_store final : public store {
public:
  // Hooks served by load_hooks, per partition.
  std::map<partition_id, std::vector<hook_spec>> hooks;
  std::optional<error> load_error; // the next load fails with it (once)
  int loads = 0;

  // Streams served by fetch_events, per hook, in seq order.
  std::map<hook_id, std::vector<outbox_event>> events;
  std::optional<error> fetch_error; // when set, every fetch fails with it
  bool hold_fetches = false;
  std::vector<fetch_call> fetches;
  std::deque<std::function<void()>> held_fetches;

  std::vector<std::vector<cursor_update>> commits;
  std::vector<std::int64_t> reject_hooks; // returned as fenced by commit_cursors
  std::optional<error> commit_error;      // the next commit fails with it (once)
  bool hold_commits = false;
  std::deque<std::function<void()>> held_commits;

  std::vector<dead_letter_request> parked;
  result<void> park_result;
  bool hold_parks = false;
  std::deque<std::function<void()>> held_parks;

  std::vector<failure_report> failures;

  std::vector<std::pair<hook_id, std::string>> disabled;
  result<void> disable_result;
  bool hold_disables = false;
  std::deque<std::function<void()>> held_disables;

  std::vector<hook_id> quarantines;

  std::vector<std::pair<cursor_update, std::string>> paused;
  result<void> pause_result;
  bool hold_pauses = false;
  std::deque<std::function<void()>> held_pauses;

  std::vector<rewind_request> rewinds;
  result<void> rewind_result;
  bool hold_rewinds = false;
  std::deque<std::function<void()>> held_rewinds;

  std::vector<wakeup> backlogs; // answered by find_backlogs (those in the asked partitions)
  std::vector<std::vector<partition_id>> backlog_scans;

  std::vector<std::vector<attempt_record>> attempt_batches;
  std::optional<error> attempts_error; // the next attempt batch fails with it (once)

  void find_backlogs(std::vector<partition_id> partitions,
                     callback<std::vector<wakeup>> done) override {
    std::vector<wakeup> found;
    for (const auto& w : backlogs)
      if (std::find(partitions.begin(), partitions.end(), w.partition) != partitions.end())
        found.push_back(w);
    backlog_scans.push_back(std::move(partitions));
    done(std::move(found));
  }

  void load_hooks(partition_id partition, callback<std::vector<hook_spec>> done) override {
    ++loads;
    if (load_error) {
      auto failure = *load_error;
      load_error.reset();
      return done(failure);
    }
    // Like courier.streams: a hook's last seq is that of its last event (or what the
    // test set, for a backlog the fetches will not serve).
    auto loaded = hooks[partition];
    for (auto& h : loaded)
      if (!events[h.id].empty())
        h.last_seq = std::max(h.last_seq, events[h.id].back().seq);
    done(std::move(loaded));
  }

  // Cuts like the SQL, on payload_bytes: at least one event, then none starting past
  // max_bytes.
  void fetch_events(hook_id hook, stream_seq after, int limit, std::int64_t max_bytes,
                    callback<std::vector<outbox_event>> done) override {
    fetches.push_back({hook, after, limit, max_bytes});
    if (fetch_error)
      return answer<std::vector<outbox_event>>(hold_fetches, held_fetches, std::move(done),
                                               *fetch_error);
    std::vector<outbox_event> out;
    std::int64_t bytes = 0;
    for (const auto& ev : events[hook])
      if (ev.seq > after && static_cast<int>(out.size()) < limit && bytes < max_bytes) {
        bytes += ev.payload_bytes;
        out.push_back(ev);
      }
    answer<std::vector<outbox_event>>(hold_fetches, held_fetches, std::move(done), std::move(out));
  }

  void commit_cursors(std::vector<cursor_update> updates,
                      callback<std::vector<hook_id>> done) override {
    std::vector<hook_id> rejected;
    for (const auto& u : updates)
      if (std::count(reject_hooks.begin(), reject_hooks.end(), raw(u.hook)) > 0)
        rejected.push_back(u.hook);
    commits.push_back(std::move(updates));
    result<std::vector<hook_id>> outcome = std::move(rejected);
    if (commit_error) {
      outcome = *commit_error;
      commit_error.reset();
    }
    answer(hold_commits, held_commits, std::move(done), std::move(outcome));
  }

  void park_dead_letter(dead_letter_request req, callback<void> done) override {
    parked.push_back(std::move(req));
    answer(hold_parks, held_parks, std::move(done), park_result);
  }

  void record_failure(failure_report report, callback<void> done) override {
    failures.push_back(std::move(report));
    done({});
  }

  void disable_hook(hook_id hook, std::string reason, callback<void> done) override {
    disabled.emplace_back(hook, std::move(reason));
    answer(hold_disables, held_disables, std::move(done), disable_result);
  }

  void pause_failing_hook(cursor_update at, std::string reason, callback<void> done) override {
    paused.emplace_back(at, std::move(reason));
    answer(hold_pauses, held_pauses, std::move(done), pause_result);
  }

  void set_quarantine(hook_id hook, std::int64_t, std::string, callback<void> done) override {
    quarantines.push_back(hook);
    done({});
  }

  void maintain_outbox(callback<outbox_maintenance> done) override { done(outbox_maintenance{}); }

  // Like courier.apply_rewind: when it succeeds the hook's cursor goes back (never
  // forward) and the rewind is no longer pending.
  void apply_rewind(rewind_request req, callback<void> done) override {
    rewinds.push_back(req);
    if (rewind_result.ok())
      for (auto& h : hooks[req.partition])
        if (h.id == req.hook && h.rewind_id == req.id) {
          h.delivered_seq = std::min(h.delivered_seq, stream_seq{raw(h.rewind_from) - 1});
          h.rewind_id = 0;
        }
    answer(hold_rewinds, held_rewinds, std::move(done), rewind_result);
  }

  void record_attempts(std::vector<attempt_record> attempts, callback<void> done) override {
    attempt_batches.push_back(std::move(attempts));
    if (attempts_error) {
      auto failure = *attempts_error;
      attempts_error.reset();
      return done(failure);
    }
    done({});
  }

  static void release(std::deque<std::function<void()>>& held) {
    ASSERT_FALSE(held.empty()) << "no held store callback to release";
    auto next = std::move(held.front());
    held.pop_front();
    next();
  }

  // Drops held callbacks (and the actor handles they capture) at teardown.
  void clear() {
    held_fetches.clear();
    held_commits.clear();
    held_parks.clear();
    held_disables.clear();
  }

private:
  template <class T>
  static void answer(bool hold, std::deque<std::function<void()>>& held, callback<T> done,
                     result<T> outcome) {
    if (hold)
      held.push_back([done = std::move(done), outcome = std::move(outcome)]() mutable {
        done(std::move(outcome));
      });
    else
      done(std::move(outcome));
  }
};

// -- fake HTTP client ---------------------------------------------------------------

// Records every request and keeps its callback until the test answers it, so a test
// can see whether a second request went out before the first was answered.
class fake_http final : public net::http_sender {
public:
  std::vector<net::http_request> requests; // every send(), in order
  std::size_t max_outstanding = 0;
  int stops = 0;

  void send(net::http_request req, std::function<void(net::http_result)> done) override {
    requests.push_back(req);
    pending_.push_back({std::move(req), std::move(done)});
    max_outstanding = std::max(max_outstanding, pending_.size());
  }

  void stop() override { ++stops; }

  std::size_t outstanding() const { return pending_.size(); }

  // Answers the oldest outstanding request. Like the real client, a request whose
  // may_send() says no at this point is not sent and fails as fenced.
  void answer(net::http_result r) {
    ASSERT_FALSE(pending_.empty()) << "no outstanding request to answer";
    auto next = std::move(pending_.front());
    pending_.pop_front();
    if (next.req.may_send && !next.req.may_send()) {
      r = net::http_result{};
      r.failure = net::http_failure::fenced;
      r.error = "fenced";
    } else {
      ++sent_;
    }
    next.done(std::move(r));
  }

  // Answers the n-th oldest outstanding request with `status` (the unordered mode's
  // answers come back in any order).
  void answer_nth(std::size_t n, int status) {
    ASSERT_LT(n, pending_.size()) << "no outstanding request " << n;
    std::rotate(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n),
                pending_.begin() + static_cast<std::ptrdiff_t>(n) + 1);
    answer_status(status);
  }

  void answer_status(int status, std::optional<std::string> retry_after = std::nullopt,
                     std::string body = {}) {
    net::http_result r;
    r.status = status;
    r.retry_after = std::move(retry_after);
    r.body_excerpt = std::move(body);
    answer(std::move(r));
  }

  void answer_failure(net::http_failure f, std::string error = "simulated") {
    net::http_result r;
    r.failure = f;
    r.error = std::move(error);
    answer(std::move(r));
  }

  // Requests whose bytes would have reached the subscriber.
  int sent() const { return sent_; }

  void clear() { pending_.clear(); }

private:
  struct pending {
    net::http_request req;
    std::function<void(net::http_result)> done;
  };
  std::deque<pending> pending_;
  int sent_ = 0;
};

inline const std::string* find_header(const net::http_request& req, const std::string& name) {
  for (const auto& [key, value] : req.headers)
    if (key == name)
      return &value;
  return nullptr;
}

inline std::string header(const net::http_request& req, const std::string& name) {
  auto found = find_header(req, name);
  return found != nullptr ? *found : "<missing " + name + ">";
}

// -- test coordinator fixture ---------------------------------------------------------

inline caf::actor_system_config& testing_config(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("testing"));
  cfg.set("logger.file-verbosity", caf::atom("quiet"));
  cfg.set("logger.console-verbosity", caf::atom("quiet"));
  return cfg;
}

// What a recording actor saw: the flusher's inbox, or a supervisor's.
struct passivation {
  hook_id hook;
  stream_seq delivered;
  std::uint64_t wakes_seen;
};

struct inbox {
  std::vector<cursor_update> advances;
  std::vector<passivation> passivations;
  std::vector<attempt_record> attempts;
  std::vector<std::size_t> attempt_messages; // how many attempts each message to the log told
  std::vector<int> fenced_partitions;
  std::vector<caf::down_msg> downs;
};

class actor_fixture : public ::testing::Test {
protected:
  actor_fixture()
      : sys(testing_config(cfg)),
        sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())) {
    spdlog::set_level(spdlog::level::off); // warnings are expected in these tests
    sched.clock().current_time += std::chrono::hours(1);
  }

  ~actor_fixture() override {
    for (auto& a : to_kill)
      caf::anon_send_exit(a, caf::exit_reason::kill);
    run();
    to_kill.clear();
    if (store_)
      store_->clear();
    if (http_)
      http_->clear();
    sched.clock().cancel_all();
    run();
  }

  // Runs every queued message (no timers). Bounded so a livelock fails, not hangs.
  void run() {
    auto n = sched.run(100000);
    EXPECT_LT(n, 100000u) << "actors did not go idle";
  }

  // Fires the earliest pending timer (regardless of its due time), then runs.
  bool fire_timer() {
    auto fired = sched.trigger_timeout();
    run();
    return fired;
  }

  // Advances the fake clock and runs what became due.
  void advance(caf::timespan d) {
    sched.advance_time(d);
    run();
  }

  bool has_timer() const { return sched.has_pending_timeout(); }

  // Stands in for a cursor flusher (recording advances; flushes answer at once), for the
  // flusher's parent (recording fenced reports) and for a deliverer's partition actor
  // (recording passivations).
  using recorder =
      cursor_flusher::extend_with<cursor_flusher_parent>::extend_with<delivery_actor_parent>::
          extend<caf::reacts_to<atoms::attempt_atom, std::vector<attempt_record>>>;

  recorder spawn_recorder(std::shared_ptr<inbox> box) {
    // State travels as a spawn argument, not a capture: CAF 0.17 binds a reference to a
    // null tuple for argument-less functors (harmless, but UBSan reports it).
    auto a = sys.spawn(
        [](recorder::pointer self, std::shared_ptr<inbox> box) -> recorder::behavior_type {
          self->set_down_handler([box](caf::down_msg& dm) { box->downs.push_back(dm); });
          return {
              [box](atoms::advance_atom, const cursor_update& u) { box->advances.push_back(u); },
              [](atoms::flush_atom) { return true; },
              [box](atoms::fenced_atom, partition_id partition, lease_epoch) {
                box->fenced_partitions.push_back(raw(partition));
              },
              [box](atoms::passivated_atom, hook_id hook, stream_seq delivered,
                    std::uint64_t wakes_seen) {
                box->passivations.push_back({hook, delivered, wakes_seen});
              },
              [box](atoms::attempt_atom, const std::vector<attempt_record>& told) {
                box->attempts.insert(box->attempts.end(), told.begin(), told.end());
                box->attempt_messages.push_back(told.size());
              },
          };
        },
        std::move(box));
    kill_at_teardown(a);
    return a;
  }

  // Spawns an actor through `spawn_child`, called from a parent that records the
  // child's down message in `box`, as its real supervisor would see it.
  template <class Child>
  Child spawn_supervised(std::shared_ptr<inbox> box,
                         std::function<Child(caf::local_actor*)> spawn_child) {
    auto child = std::make_shared<Child>();
    auto parent = sys.spawn(
        [](caf::event_based_actor* self, std::shared_ptr<inbox> box, std::shared_ptr<Child> child,
           std::function<Child(caf::local_actor*)> spawn_child) -> caf::behavior {
          self->set_down_handler([box](caf::down_msg& dm) { box->downs.push_back(dm); });
          *child = spawn_child(self);
          return {[](int) {
          }};
        },
        std::move(box), child, std::move(spawn_child));
    kill_at_teardown(parent);
    run();
    EXPECT_TRUE(*child) << "the parent did not spawn its child";
    if (*child)
      kill_at_teardown(*child);
    return *child;
  }

  // Records in `box` the down message of `target` (an actor nobody supervises here).
  template <class Handle> void watch(const Handle& target, std::shared_ptr<inbox> box) {
    auto watcher = sys.spawn(
        [](caf::event_based_actor* self, std::shared_ptr<inbox> box,
           caf::actor target) -> caf::behavior {
          self->set_down_handler([box](caf::down_msg& dm) { box->downs.push_back(dm); });
          self->monitor(target);
          return {[](int) {
          }};
        },
        std::move(box), caf::actor_cast<caf::actor>(target));
    kill_at_teardown(watcher);
    run();
  }

  // Actors the fixture kills before the system shuts down, whatever their interface.
  template <class Handle> void kill_at_teardown(const Handle& a) {
    to_kill.push_back(caf::actor_cast<caf::actor>(a));
  }

  void remember(const std::shared_ptr<fake_store>& s, const std::shared_ptr<fake_http>& h) {
    store_ = s;
    http_ = h;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scheduler::test_coordinator& sched;
  std::vector<caf::actor> to_kill;

private:
  std::shared_ptr<fake_store> store_;
  std::shared_ptr<fake_http> http_;
};

} // namespace courier::testing
