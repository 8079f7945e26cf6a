// The node's byte budget and one hook's share of it: grants fit under the capacity whole,
// an event beyond its grant is charged in full, and a share gives everything back when
// it goes (so an actor that exits cannot leak budget).
#include "actors/policy/byte_budget.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace courier {
namespace {

TEST(byte_budget, takes_only_what_fits_whole) {
  byte_budget budget{100};
  EXPECT_TRUE(budget.try_take(60));
  EXPECT_FALSE(budget.try_take(41));
  EXPECT_EQ(budget.used(), 60) << "a refusal takes nothing";
  EXPECT_TRUE(budget.try_take(40));
  budget.give_back(100);
  EXPECT_EQ(budget.used(), 0);
}

TEST(byte_budget, a_charge_may_pass_the_capacity) {
  byte_budget budget{100};
  budget.charge(250);
  EXPECT_EQ(budget.used(), 250);
  EXPECT_FALSE(budget.try_take(1));
}

TEST(byte_budget, reports_each_time_releases_add_up_to_the_threshold) {
  int reports = 0;
  byte_budget budget{1000, [&reports] { ++reports; }, 100};
  budget.charge(1000);
  budget.give_back(60);
  EXPECT_EQ(reports, 0);
  budget.give_back(60);
  EXPECT_EQ(reports, 1);
  budget.give_back(99);
  EXPECT_EQ(reports, 1);
  budget.give_back(1);
  EXPECT_EQ(reports, 2);
}

TEST(byte_budget, concurrent_takers_never_pass_the_capacity) {
  byte_budget budget{1000};
  std::atomic<bool> passed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i)
        if (budget.try_take(300)) {
          if (budget.used() > 1000)
            passed = true;
          budget.give_back(300);
        }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_FALSE(passed);
  EXPECT_EQ(budget.used(), 0);
}

TEST(hook_byte_share, grants_the_room_left_in_the_share) {
  auto budget = std::make_shared<byte_budget>(10000);
  hook_byte_share share{budget, 1000};
  EXPECT_TRUE(share.wants_more());
  EXPECT_EQ(share.grant_fetch(), 1000);
  EXPECT_EQ(budget->used(), 1000);
  share.settle(300); // the unused 700 go back
  EXPECT_EQ(budget->used(), 300);
  EXPECT_TRUE(share.wants_more());
  EXPECT_EQ(share.grant_fetch(), 700);
  share.settle(400);
  EXPECT_EQ(share.held(), 700);
  EXPECT_FALSE(share.wants_more()) << "holds more than half its share";
  share.release(300);
  EXPECT_TRUE(share.wants_more());
  EXPECT_EQ(budget->used(), 400);
}

TEST(hook_byte_share, an_event_beyond_the_grant_is_charged_in_full) {
  auto budget = std::make_shared<byte_budget>(1000);
  hook_byte_share share{budget, 1000};
  ASSERT_EQ(share.grant_fetch(), 1000);
  share.settle(5000);
  EXPECT_EQ(budget->used(), 5000);
  EXPECT_FALSE(share.wants_more());
  share.release(5000);
  EXPECT_EQ(budget->used(), 0);
}

TEST(hook_byte_share, waits_while_the_budget_cannot_spare_its_grant) {
  auto budget = std::make_shared<byte_budget>(1500);
  ASSERT_TRUE(budget->try_take(1000));
  hook_byte_share share{budget, 1000};
  EXPECT_EQ(share.grant_fetch(), std::nullopt);
  EXPECT_EQ(budget->used(), 1000);
  budget->give_back(1000);
  EXPECT_EQ(share.grant_fetch(), 1000);
}

TEST(hook_byte_share, gives_held_bytes_and_a_pending_grant_back_when_it_goes) {
  auto budget = std::make_shared<byte_budget>(10000);
  {
    hook_byte_share share{budget, 1000};
    ASSERT_TRUE(share.grant_fetch());
    share.settle(400);
    ASSERT_TRUE(share.grant_fetch()); // a fetch in flight when the actor dies
    EXPECT_EQ(budget->used(), 1000);
  }
  EXPECT_EQ(budget->used(), 0);
}

TEST(hook_byte_share, moving_hands_over_without_double_release) {
  auto budget = std::make_shared<byte_budget>(10000);
  hook_byte_share target;
  {
    hook_byte_share share{budget, 1000};
    ASSERT_TRUE(share.grant_fetch());
    share.settle(600);
    target = std::move(share);
  }
  EXPECT_EQ(budget->used(), 600);
  EXPECT_EQ(target.held(), 600);
  target = hook_byte_share{budget, 1000};
  EXPECT_EQ(budget->used(), 0);
}

} // namespace
} // namespace courier
