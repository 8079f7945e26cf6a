// fair_share: every node computes the same split from the same sorted node list.
#include "actors/policy/balance.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

namespace courier {
namespace {

std::vector<std::string> nodes(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back("node-" + std::string(1, static_cast<char>('a' + i)));
  return out; // already sorted
}

std::vector<int> shares(const std::vector<std::string>& live, int partitions) {
  std::vector<int> out;
  for (const auto& me : live)
    out.push_back(fair_share(live, me, partitions));
  return out;
}

TEST(fair_share, single_node_takes_everything) {
  EXPECT_EQ(fair_share({"a"}, "a", 256), 256);
  EXPECT_EQ(fair_share({}, "a", 256), 256); // alone, not yet in the list
}

TEST(fair_share, sums_to_all_partitions_and_differs_by_at_most_one) {
  for (int n = 1; n <= 7; ++n) {
    auto s = shares(nodes(n), 256);
    EXPECT_EQ(std::accumulate(s.begin(), s.end(), 0), 256) << n << " nodes";
    auto [lo, hi] = std::minmax_element(s.begin(), s.end());
    EXPECT_LE(*hi - *lo, 1) << n << " nodes";
    EXPECT_EQ(*lo, 256 / n) << n << " nodes";
  }
}

TEST(fair_share, remainder_goes_to_the_first_nodes_in_sorted_order) {
  // 256 = 3 * 85 + 1: the first node takes the extra partition.
  EXPECT_EQ(shares(nodes(3), 256), (std::vector<int>{86, 85, 85}));
  // 256 = 7 * 36 + 4.
  EXPECT_EQ(shares(nodes(7), 256), (std::vector<int>{37, 37, 37, 37, 36, 36, 36}));
  // Even splits.
  EXPECT_EQ(shares(nodes(4), 256), (std::vector<int>{64, 64, 64, 64}));
}

TEST(fair_share, me_missing_from_the_list_is_counted) {
  // "b" joins a list of a, c: three nodes, "b" ranks second.
  std::vector<std::string> live{"a", "c"};
  EXPECT_EQ(fair_share(live, "b", 10), 3); // 10 = 3*3 + 1: only "a" takes 4
  EXPECT_EQ(fair_share(live, "0", 10), 4); // ranks first
  EXPECT_EQ(fair_share(live, "z", 10), 3); // ranks last
  // The same as if it had been listed.
  EXPECT_EQ(fair_share({"a", "b", "c"}, "b", 10), 3);
  EXPECT_EQ(fair_share({"0", "a", "c"}, "0", 10), 4);
}

TEST(fair_share, a_missing_me_shifts_the_ranks_consistently) {
  // A node not yet in the others' view computes its share as if it were: the sum over
  // the list it would see after joining is still exact.
  std::vector<std::string> before{"a", "c", "e"};
  std::vector<std::string> after{"a", "c", "d", "e"};
  EXPECT_EQ(fair_share(before, "d", 10), fair_share(after, "d", 10));
  auto s = shares(after, 10);
  EXPECT_EQ(std::accumulate(s.begin(), s.end(), 0), 10);
}

TEST(fair_share, the_list_is_taken_by_value_and_left_alone) {
  std::vector<std::string> live{"a", "c"};
  (void)fair_share(live, "b", 10);
  EXPECT_EQ(live, (std::vector<std::string>{"a", "c"}));
}

TEST(fair_share, fewer_partitions_than_nodes) {
  auto live = nodes(5);
  EXPECT_EQ(shares(live, 3), (std::vector<int>{1, 1, 1, 0, 0}));
  EXPECT_EQ(shares(live, 1), (std::vector<int>{1, 0, 0, 0, 0}));
  EXPECT_EQ(shares(live, 0), (std::vector<int>{0, 0, 0, 0, 0}));
}

TEST(fair_share, every_node_count_sums_exactly_for_several_partition_counts) {
  for (int partitions : {1, 2, 7, 64, 255, 256, 257, 65536})
    for (int n = 1; n <= 9; ++n) {
      auto s = shares(nodes(n), partitions);
      EXPECT_EQ(std::accumulate(s.begin(), s.end(), 0), partitions) << n << "/" << partitions;
      auto [lo, hi] = std::minmax_element(s.begin(), s.end());
      EXPECT_LE(*hi - *lo, 1) << n << "/" << partitions;
    }
}

TEST(fair_share, sorting_is_lexicographic) {
  // "node-10" sorts before "node-2": ranks follow std::string order, which every node
  // shares, not numeric order.
  std::vector<std::string> live{"node-1", "node-10", "node-2"};
  ASSERT_TRUE(std::is_sorted(live.begin(), live.end()));
  EXPECT_EQ(fair_share(live, "node-10", 4), 1);
  EXPECT_EQ(fair_share(live, "node-1", 4), 2);
  EXPECT_EQ(fair_share(live, "node-2", 4), 1);
}

} // namespace
} // namespace courier
