#include "actors/policy/balance.hpp"

#include <algorithm>

namespace courier {

int fair_share(std::vector<std::string> live_sorted, const std::string& me, int partitions) {
  auto pos = std::lower_bound(live_sorted.begin(), live_sorted.end(), me);
  if (pos == live_sorted.end() || *pos != me)
    pos = live_sorted.insert(pos, me);
  auto n = static_cast<int>(live_sorted.size());
  auto rank = static_cast<int>(pos - live_sorted.begin());
  return partitions / n + (rank < partitions % n ? 1 : 0);
}

} // namespace courier
