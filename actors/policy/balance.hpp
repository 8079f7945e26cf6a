#pragma once
// Fair shares of partitions: every live node agrees on the same split from the same
// sorted node list, so settled holdings differ by at most one partition.
#include <string>
#include <vector>

namespace courier {

// Partitions `me` should hold: partitions / n, plus one for the first
// (partitions % n) nodes in sorted order. `me` counts as live even if absent.
int fair_share(std::vector<std::string> live_sorted, const std::string& me, int partitions);

} // namespace courier
