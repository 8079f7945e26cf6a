// lease_clock: the self-expiry fence, driven with explicit time points (no sleeping).
#include "actors/policy/lease_clock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace courier {
namespace {

using namespace std::chrono_literals;
using steady = lease_clock::clock;

// A fixed, clearly positive instant so arithmetic below never goes near the epoch.
const steady::time_point t0 = steady::time_point{} + 1000h;

TEST(lease_clock, starts_closed) {
  lease_clock c;
  EXPECT_FALSE(c.valid());
  EXPECT_FALSE(c.valid(t0));
}

TEST(lease_clock, valid_until_sent_at_plus_self_expiry) {
  lease_clock c;
  c.confirm(t0, 5s);
  EXPECT_TRUE(c.valid(t0));
  EXPECT_TRUE(c.valid(t0 + 4999ms));
  EXPECT_TRUE(c.valid(t0 + 5s - 1ns));
  EXPECT_FALSE(c.valid(t0 + 5s)); // the deadline itself is already expired
  EXPECT_FALSE(c.valid(t0 + 1h));
}

TEST(lease_clock, instants_before_the_heartbeat_are_valid) {
  lease_clock c;
  c.confirm(t0, 5s);
  EXPECT_TRUE(c.valid(t0 - 1s));
}

TEST(lease_clock, expiry_is_measured_from_the_send_time_not_the_confirmation) {
  // A heartbeat sent 4 s ago and confirmed now only buys 1 more second.
  lease_clock c;
  auto now = t0;
  c.confirm(now - 4s, 5s);
  EXPECT_TRUE(c.valid(now));
  EXPECT_TRUE(c.valid(now + 999ms));
  EXPECT_FALSE(c.valid(now + 1s));
}

TEST(lease_clock, a_stale_confirmation_leaves_the_fence_closed) {
  lease_clock c;
  c.confirm(t0 - 10s, 5s);
  EXPECT_FALSE(c.valid(t0));
}

TEST(lease_clock, each_confirmation_replaces_the_previous_deadline) {
  lease_clock c;
  c.confirm(t0, 5s);
  c.confirm(t0 + 3s, 5s);
  EXPECT_TRUE(c.valid(t0 + 7s));
  EXPECT_FALSE(c.valid(t0 + 8s));
  // The latest call wins, even if it is shorter (the keeper confirms in order).
  c.confirm(t0, 1s);
  EXPECT_FALSE(c.valid(t0 + 2s));
}

TEST(lease_clock, invalidate_closes_at_once) {
  lease_clock c;
  c.confirm(t0, 1h);
  ASSERT_TRUE(c.valid(t0));
  c.invalidate();
  EXPECT_FALSE(c.valid(t0));
  EXPECT_FALSE(c.valid(t0 - 1h));
  EXPECT_FALSE(c.valid());
}

TEST(lease_clock, confirm_after_invalidate_reopens) {
  lease_clock c;
  c.confirm(t0, 1s);
  c.invalidate();
  c.confirm(t0, 1s);
  EXPECT_TRUE(c.valid(t0));
}

TEST(lease_clock, zero_self_expiry_is_never_valid) {
  lease_clock c;
  c.confirm(t0, 0s);
  EXPECT_FALSE(c.valid(t0));
  EXPECT_TRUE(c.valid(t0 - 1ns));
}

TEST(lease_clock, default_argument_uses_the_steady_clock) {
  lease_clock c;
  c.confirm(steady::now(), 1h);
  EXPECT_TRUE(c.valid());
  c.confirm(steady::now() - 2h, 1h);
  EXPECT_FALSE(c.valid());
}

TEST(lease_clock, concurrent_readers_see_a_valid_or_closed_state) {
  // Smoke test for the lock-free contract (meaningful under TSan): readers on other
  // threads only ever observe one of the two states written.
  lease_clock c;
  c.confirm(t0, 1h);
  std::atomic<bool> stop{false};
  std::atomic<long> observed{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i)
    readers.emplace_back([&] {
      while (!stop.load()) {
        (void)c.valid(t0);
        observed.fetch_add(1);
      }
    });
  for (int i = 0; i < 10000; ++i) {
    if (i % 2 == 0)
      c.invalidate();
    else
      c.confirm(t0, 1h);
  }
  stop = true;
  for (auto& t : readers)
    t.join();
  EXPECT_TRUE(c.valid(t0)); // the last write was a confirm
}

} // namespace
} // namespace courier
