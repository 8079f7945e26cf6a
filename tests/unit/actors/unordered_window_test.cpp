// The unordered mode's bookkeeping: which events may go out, when a retry is due, and how
// far the cursor may move (the finished prefix only).
#include "actors/policy/unordered_window.hpp"

#include <gtest/gtest.h>

namespace courier {
namespace {

using namespace std::chrono_literals;
using clock = unordered_window::clock;

TEST(unordered_window, offers_the_lowest_waiting_slots_up_to_the_room) {
  unordered_window w;
  for (int i = 0; i < 5; ++i)
    w.push_back();
  const auto now = clock::now();
  EXPECT_EQ(w.ready(now, 3), (std::vector<std::size_t>{0, 1, 2}));
  w.at(0).in_flight = true;
  w.at(1).finished = true;
  w.at(2).due = now + 1s; // its retry waits
  EXPECT_EQ(w.ready(now, 10), (std::vector<std::size_t>{3, 4}));
  EXPECT_EQ(w.in_flight(), 1u);
  EXPECT_EQ(w.next_due(now), now + 1s);
  EXPECT_EQ(w.ready(now + 1s, 10), (std::vector<std::size_t>{2, 3, 4}));
}

TEST(unordered_window, the_cursor_moves_only_over_the_finished_prefix) {
  unordered_window w;
  for (int i = 0; i < 4; ++i)
    w.push_back();
  w.at(1).finished = true;
  w.at(2).finished = true;
  EXPECT_EQ(w.finished_prefix(), 0u) << "slot 0 is not finished";
  w.at(0).finished = true;
  EXPECT_EQ(w.finished_prefix(), 3u);
}

TEST(unordered_window, failing_means_a_failed_slot_not_yet_finished) {
  unordered_window w;
  w.push_back();
  w.push_back();
  EXPECT_FALSE(w.failing());
  w.at(1).attempts = 2;
  EXPECT_TRUE(w.failing());
  w.at(1).finished = true; // parked
  EXPECT_FALSE(w.failing());
  EXPECT_FALSE(w.next_due(clock::now()));
}

} // namespace
} // namespace courier
