// The node's byte budget and one hook's share of it: grants fit under the capacity, no
// crumbs, an event beyond its grant is charged in full, and a share gives everything back when
// it goes (so an actor that exits cannot leak budget).
#include "actors/policy/byte_budget.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace courier {
namespace {

TEST(byte_budget, a_refusal_takes_nothing) {
  byte_budget budget{100};
  EXPECT_EQ(budget.take_up_to(60, 60), 60);
  EXPECT_EQ(budget.take_up_to(41, 41), 0);
  EXPECT_EQ(budget.used(), 60);
  EXPECT_EQ(budget.take_up_to(40, 40), 40);
  budget.give_back(100);
  EXPECT_EQ(budget.used(), 0);
}

TEST(byte_budget, takes_up_to_what_is_left_but_no_less_than_asked) {
  byte_budget budget{100};
  EXPECT_EQ(budget.take_up_to(70, 10), 70);
  EXPECT_EQ(budget.take_up_to(70, 10), 30) << "what is left";
  budget.give_back(25);
  EXPECT_EQ(budget.take_up_to(70, 30), 0) << "less than at_least: nothing";
  EXPECT_EQ(budget.used(), 75);
  EXPECT_EQ(budget.take_up_to(70, 25), 25);
  EXPECT_EQ(budget.take_up_to(1, 0), 0) << "a spent budget grants nothing";
}

TEST(byte_budget, a_charge_may_pass_the_capacity) {
  byte_budget budget{100};
  budget.charge(250);
  EXPECT_EQ(budget.used(), 250);
  EXPECT_EQ(budget.take_up_to(1, 1), 0);
}

TEST(byte_budget, concurrent_takers_never_pass_the_capacity) {
  byte_budget budget{1000};
  std::atomic<bool> passed{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i)
        if (budget.take_up_to(300, 300) == 300) {
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

TEST(hook_byte_share, takes_part_of_its_room_but_no_crumbs) {
  constexpr std::int64_t min = hook_byte_share::min_grant;
  auto budget = std::make_shared<byte_budget>(10 * min);
  ASSERT_EQ(budget->take_up_to(8 * min, 8 * min), 8 * min);
  hook_byte_share share{budget, 4 * min};
  EXPECT_EQ(share.grant_fetch(), 2 * min) << "what the budget has left";
  share.settle(0);
  ASSERT_EQ(budget->take_up_to(2 * min - 1, 1), 2 * min - 1);
  EXPECT_EQ(share.grant_fetch(), std::nullopt) << "one byte is no grant: wait";
  EXPECT_EQ(budget->used(), 10 * min - 1);
  budget->give_back(8 * min);
  EXPECT_EQ(share.grant_fetch(), 4 * min);
}

TEST(hook_byte_share, a_room_smaller_than_the_floor_is_granted_whole_or_not_at_all) {
  auto budget = std::make_shared<byte_budget>(1000);
  hook_byte_share share{budget, 1000};
  ASSERT_EQ(budget->take_up_to(500, 500), 500);
  EXPECT_EQ(share.grant_fetch(), std::nullopt);
  budget->give_back(500);
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
