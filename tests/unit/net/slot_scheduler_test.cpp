// The slot scheduler on its own, step by step: turns across flows, order within a flow,
// the per-origin cap, confinement of timed-out flows, cancellation and bounded memory.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "net/slot_scheduler.hpp"

namespace courier::net {
namespace {

using ticket = slot_scheduler::ticket;

slot_limits limits(std::size_t all, std::size_t per_origin, std::size_t timed_out) {
  slot_limits l;
  l.max_in_flight = all;
  l.max_per_origin = per_origin;
  l.max_timed_out = timed_out;
  return l;
}

// Numbers the tickets and remembers who sent each, so tests read as flows and origins.
class driver {
public:
  explicit driver(slot_limits l) : slots(l) {}

  ticket send(const std::string& flow, const std::string& origin = "http://a") {
    auto t = ++last_;
    flow_of[t] = flow;
    slots.enqueue(t, flow, origin);
    return t;
  }

  // The flows of the requests admit() starts now, in order.
  std::vector<std::string> admit() {
    std::vector<std::string> out;
    for (auto t : slots.admit()) {
      running.push_back(t);
      out.push_back(flow_of[t]);
    }
    return out;
  }

  // Ends the oldest running request of `flow`.
  void finish(const std::string& flow, slot_outcome how) {
    auto it =
        std::find_if(running.begin(), running.end(), [&](ticket t) { return flow_of[t] == flow; });
    ASSERT_NE(it, running.end()) << flow << " has nothing in flight";
    auto t = *it;
    running.erase(it);
    slots.finish(t, how);
  }

  slot_scheduler slots;
  std::map<ticket, std::string> flow_of;
  std::vector<ticket> running;

private:
  ticket last_ = 0;
};

using names = std::vector<std::string>;

TEST(slot_scheduler, admits_up_to_max_in_flight_then_one_per_finished_request) {
  driver d{limits(2, 2, 1)};
  d.send("a");
  d.send("b");
  d.send("c");
  EXPECT_EQ(d.admit(), (names{"a", "b"}));
  EXPECT_EQ(d.slots.in_flight(), 2u);
  EXPECT_EQ(d.slots.waiting(), 1u);
  EXPECT_TRUE(d.admit().empty());
  d.finish("a", slot_outcome::answered);
  EXPECT_EQ(d.admit(), (names{"c"}));
}

TEST(slot_scheduler, flows_take_turns_and_each_flow_keeps_its_order) {
  driver d{limits(1, 1, 1)};
  std::vector<ticket> a;
  for (int i = 0; i < 4; ++i)
    a.push_back(d.send("a"));
  d.send("b");
  d.send("c");
  std::vector<std::string> order;
  std::vector<ticket> a_started;
  for (int i = 0; i < 6; ++i) {
    auto started = d.slots.admit();
    ASSERT_EQ(started.size(), 1u);
    order.push_back(d.flow_of[started[0]]);
    if (d.flow_of[started[0]] == "a")
      a_started.push_back(started[0]);
    d.slots.finish(started[0], slot_outcome::answered);
  }
  // A FIFO of attempts would have sent a, a, a, a, b, c.
  EXPECT_EQ(order, (names{"a", "b", "c", "a", "a", "a"}));
  EXPECT_EQ(a_started, a);
}

TEST(slot_scheduler, caps_the_slots_of_one_origin) {
  driver d{limits(4, 2, 1)};
  for (const char* f : {"x1", "x2", "x3", "x4"})
    d.send(f, "http://slow");
  d.send("y", "http://fast");
  // x3 and x4 wait for the slow origin; y need not wait behind them.
  EXPECT_EQ(d.admit(), (names{"x1", "x2", "y"}));
  EXPECT_EQ(d.slots.in_flight(), 3u);
  d.send("z", "http://fast");
  EXPECT_EQ(d.admit(), (names{"z"}));
  d.finish("y", slot_outcome::answered);
  EXPECT_TRUE(d.admit().empty()) << "the slow origin is still at its cap";
  d.finish("x1", slot_outcome::answered);
  EXPECT_EQ(d.admit(), (names{"x3"}));
  d.send("w", "http://fast");
  d.finish("x2", slot_outcome::answered);
  // x4 waited for its origin before w arrived: it goes first.
  EXPECT_EQ(d.admit(), (names{"x4", "w"}));
}

// Two origins at their caps with flows held back behind them, every flow sending again
// as soon as it is done (as delivery actors do): a newcomer to a third origin gets its
// turn before any request queued after it.
TEST(slot_scheduler, busy_origins_cannot_crowd_out_a_newcomer) {
  driver d{limits(4, 2, 1)};
  for (int i = 0; i < 6; ++i) {
    d.send("a" + std::to_string(i), "http://a");
    d.send("b" + std::to_string(i), "http://b");
  }
  d.admit();
  // A third origin's request frees one slot while a and b are at their caps, so their
  // next flows are looked at and held back.
  d.send("x", "http://x");
  d.admit();
  d.finish("a0", slot_outcome::answered);
  d.send("x2", "http://x");
  d.admit();
  auto c = d.send("c", "http://c");
  for (int step = 0; step < 40; ++step) {
    auto done = d.running.front();
    d.running.erase(d.running.begin());
    d.slots.finish(done, slot_outcome::answered);
    const auto& flow = d.flow_of[done];
    d.send(flow, "http://" + flow.substr(0, 1));
    for (auto t : d.slots.admit()) {
      d.running.push_back(t);
      if (t == c)
        return;
      ASSERT_LT(t, c) << d.flow_of[t] << " queued after c but started first";
    }
  }
  ADD_FAILURE() << "c never got a slot";
}

TEST(slot_scheduler, timed_out_flows_share_a_bounded_number_of_slots) {
  driver d{limits(8, 8, 2)};
  for (int i = 0; i < 5; ++i)
    d.send("hung" + std::to_string(i));
  EXPECT_EQ(d.admit().size(), 5u); // nothing known yet: all may go
  for (int i = 0; i < 5; ++i) {
    d.finish("hung" + std::to_string(i), slot_outcome::timed_out);
    EXPECT_TRUE(d.slots.timed_out("hung" + std::to_string(i)));
  }
  for (int i = 0; i < 5; ++i)
    d.send("hung" + std::to_string(i));
  EXPECT_EQ(d.admit(), (names{"hung0", "hung1"}));
  // Six slots stay free for everyone else, however many timed-out flows wait.
  for (int i = 0; i < 6; ++i)
    d.send("ok" + std::to_string(i));
  EXPECT_EQ(d.admit().size(), 6u);
  EXPECT_EQ(d.slots.in_flight(), 8u);
  d.finish("ok0", slot_outcome::answered);
  d.send("ok0");
  EXPECT_EQ(d.admit(), (names{"ok0"})) << "a free slot goes to a healthy flow, not hung2";
  // A confined slot frees: the timed-out flows take turns in it.
  d.finish("hung0", slot_outcome::timed_out);
  EXPECT_EQ(d.admit(), (names{"hung2"}));
}

TEST(slot_scheduler, any_response_releases_a_flow_from_confinement) {
  driver d{limits(4, 4, 1)};
  d.send("a");
  d.send("b");
  d.admit();
  d.finish("a", slot_outcome::timed_out);
  d.finish("b", slot_outcome::timed_out);
  d.send("a");
  d.send("b");
  EXPECT_EQ(d.admit(), (names{"a"}));
  // Some other failure (connection refused, say) proves nothing either way.
  d.finish("a", slot_outcome::other);
  EXPECT_TRUE(d.slots.timed_out("a"));
  EXPECT_EQ(d.admit(), (names{"b"}));
  d.finish("b", slot_outcome::answered); // a 503 counts: the subscriber answered
  EXPECT_FALSE(d.slots.timed_out("b"));
  d.send("a");
  d.send("b");
  d.send("b");
  // b is no longer confined; a still is and takes the one confined slot.
  EXPECT_EQ(d.admit(), (names{"a", "b", "b"}));
}

TEST(slot_scheduler, a_released_flow_waiting_for_a_confined_slot_goes_at_once) {
  driver d{limits(4, 4, 1)};
  d.send("b");
  d.send("b");
  d.send("c");
  EXPECT_EQ(d.admit(), (names{"b", "c", "b"}));
  d.finish("b", slot_outcome::timed_out);
  d.finish("c", slot_outcome::timed_out);
  d.send("c");
  EXPECT_EQ(d.admit(), (names{"c"})); // c holds the one confined slot
  d.send("b");
  EXPECT_TRUE(d.admit().empty()) << "b is timed out and the confined slot is taken";
  d.finish("b", slot_outcome::answered); // b's other attempt got an answer
  EXPECT_EQ(d.admit(), (names{"b"}));
}

TEST(slot_scheduler, cancel_takes_back_waiting_requests_only) {
  driver d{limits(1, 1, 1)};
  auto a1 = d.send("a");
  auto a2 = d.send("a");
  auto a3 = d.send("a");
  auto b1 = d.send("b");
  EXPECT_EQ(d.admit(), (names{"a"}));
  EXPECT_FALSE(d.slots.cancel(a1)) << "already in flight";
  EXPECT_TRUE(d.slots.cancel(a2));
  EXPECT_FALSE(d.slots.cancel(a2));
  EXPECT_TRUE(d.slots.cancel(b1));
  EXPECT_EQ(d.slots.waiting(), 1u);
  d.finish("a", slot_outcome::answered);
  auto next = d.slots.admit();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0], a3);
  d.slots.finish(a3, slot_outcome::answered);
  EXPECT_EQ(d.slots.waiting(), 0u);
  EXPECT_EQ(d.slots.flows_known(), 0u);
}

TEST(slot_scheduler, cancelling_the_next_request_of_a_parked_flow_lets_its_others_go) {
  driver d{limits(4, 1, 1)};
  d.send("blocker", "http://slow");
  EXPECT_EQ(d.admit(), (names{"blocker"}));
  auto parked = d.send("f", "http://slow");
  d.send("f", "http://fast");
  EXPECT_TRUE(d.admit().empty()) << "f's next request waits for the slow origin";
  EXPECT_TRUE(d.slots.cancel(parked));
  EXPECT_EQ(d.admit(), (names{"f"}));
}

TEST(slot_scheduler, memory_is_kept_only_for_busy_or_timed_out_flows) {
  slot_limits l = limits(64, 64, 16);
  l.remembered_timed_out = 3;
  driver d{l};
  for (int i = 0; i < 50; ++i)
    d.send("f" + std::to_string(i));
  d.admit();
  for (int i = 0; i < 50; ++i)
    d.finish("f" + std::to_string(i), i < 5 ? slot_outcome::timed_out : slot_outcome::answered);
  EXPECT_EQ(d.slots.flows_known(), 3u);
  EXPECT_FALSE(d.slots.timed_out("f0")) << "the oldest marks are forgotten first";
  EXPECT_FALSE(d.slots.timed_out("f1"));
  EXPECT_TRUE(d.slots.timed_out("f2"));
  EXPECT_TRUE(d.slots.timed_out("f4"));
  EXPECT_FALSE(d.slots.timed_out("f10"));
}

TEST(slot_scheduler, limits_for_a_client) {
  auto l = slot_limits_for(256, 1000);
  EXPECT_EQ(l.max_in_flight, 256u);
  EXPECT_EQ(l.max_per_origin, 256u) << "never above max_in_flight";
  EXPECT_EQ(l.max_timed_out, 64u);
  l = slot_limits_for(3, 0);
  EXPECT_EQ(l.max_per_origin, 1u);
  EXPECT_EQ(l.max_timed_out, 1u);
}

// A long random run: every cap holds at every step, each flow's requests start in the
// order they were sent, and every request eventually starts (no starvation).
TEST(slot_scheduler, random_run_keeps_every_rule) {
  const slot_limits l = limits(6, 3, 2);
  driver d{l};
  std::mt19937 rng{12345};
  const std::vector<std::string> origins{"http://a", "http://b", "http://c"};
  std::map<std::string, std::string> origin_of_flow;
  for (int f = 0; f < 12; ++f)
    origin_of_flow["f" + std::to_string(f)] = origins[static_cast<std::size_t>(f) % 3];
  std::map<std::string, std::vector<ticket>> sent, started;
  std::set<ticket> waiting;

  std::set<ticket> confined; // started while their flow was timed out

  auto check_caps = [&] {
    std::map<std::string, std::size_t> per_origin;
    for (auto t : d.running)
      per_origin[origin_of_flow[d.flow_of[t]]]++;
    ASSERT_LE(d.running.size(), l.max_in_flight);
    for (const auto& [origin, n] : per_origin)
      ASSERT_LE(n, l.max_per_origin) << origin;
    ASSERT_LE(confined.size(), l.max_timed_out);
    ASSERT_EQ(d.slots.in_flight(), d.running.size());
    ASSERT_EQ(d.slots.waiting(), waiting.size());
  };
  auto admit = [&] {
    for (auto t : d.slots.admit()) {
      d.running.push_back(t);
      started[d.flow_of[t]].push_back(t);
      waiting.erase(t);
      if (d.slots.timed_out(d.flow_of[t]))
        confined.insert(t);
    }
  };
  auto end = [&](std::size_t i, slot_outcome how) {
    auto t = d.running[i];
    d.running.erase(d.running.begin() + static_cast<long>(i));
    confined.erase(t);
    d.slots.finish(t, how);
  };

  for (int step = 0; step < 20000; ++step) {
    auto roll = rng() % 10;
    if (roll < 5) {
      auto flow = "f" + std::to_string(rng() % 12);
      auto t = d.send(flow, origin_of_flow[flow]);
      sent[flow].push_back(t);
      waiting.insert(t);
    } else if (roll < 9 && !d.running.empty()) {
      auto i = rng() % d.running.size();
      // Flows f0..f3 mostly time out; the rest mostly answer.
      const auto& flow = d.flow_of[d.running[i]];
      bool hung = flow.size() == 2 && flow < "f4";
      end(i, rng() % 10 < (hung ? 8u : 1u) ? slot_outcome::timed_out : slot_outcome::answered);
    } else if (!waiting.empty()) {
      auto it = waiting.begin();
      std::advance(it, static_cast<long>(rng() % waiting.size()));
      auto t = *it;
      ASSERT_TRUE(d.slots.cancel(t));
      waiting.erase(it);
      auto& s = sent[d.flow_of[t]];
      s.erase(std::find(s.begin(), s.end(), t));
    }
    admit();
    check_caps();
  }
  // Drain: everything still waiting starts once the slots free up.
  while (!d.running.empty() || !waiting.empty()) {
    ASSERT_FALSE(d.running.empty()) << waiting.size() << " requests starved";
    end(0, slot_outcome::answered);
    admit();
    check_caps();
  }
  for (const auto& [flow, tickets] : sent)
    EXPECT_EQ(started[flow], tickets) << flow << " started out of order";
}

// While one flow waits with nothing holding it back, no other flow starts twice.
TEST(slot_scheduler, waiting_is_bounded_by_one_turn_of_every_other_flow) {
  driver d{limits(2, 2, 1)};
  for (int f = 0; f < 5; ++f)
    for (int i = 0; i < 10; ++i)
      d.send("busy" + std::to_string(f));
  d.admit();
  d.send("late");
  std::map<std::string, int> starts_before_late;
  for (;;) {
    d.slots.finish(d.running.front(), slot_outcome::answered);
    d.running.erase(d.running.begin());
    auto started = d.admit();
    ASSERT_FALSE(started.empty());
    if (std::find(started.begin(), started.end(), "late") != started.end())
      break;
    for (const auto& f : started)
      ++starts_before_late[f];
  }
  for (const auto& [flow, n] : starts_before_late)
    EXPECT_LE(n, 1) << flow;
}

} // namespace
} // namespace courier::net
