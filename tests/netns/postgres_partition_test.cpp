// A node that loses its network path to Postgres (packets dropped at the router, both
// ways, nothing else touched) must stop delivering within lease_self_expiry_ms of the
// cut; the other node takes its partitions over once Postgres ends the silent node's
// lease session; the subscriber never sees two nodes deliver one hook at once; after
// the heal the node rejoins, the cluster rebalances and nothing is lost or reordered.
#include "tests/netns/netns_test_base.hpp"

#include "tests/support/steady_writer.hpp"

#include <algorithm>
#include <iostream>

namespace courier::test {
namespace {

class postgres_partition : public netns_test {};

long ms_between(steady::time_point from, steady::time_point to) {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
}

TEST_F(postgres_partition, cut_node_self_expires_and_the_other_takes_over_without_overlap) {
  // Arrival is stamped once the whole request is read: allow the subscriber that much
  // (and a loaded machine some scheduling) beyond the fence itself.
  constexpr auto slack = 500ms;
  make_hooks(24);
  behaviour paced;
  paced.delay_ms = 40; // ~20 requests/s per hook: a burst takes seconds to drain
  sub_->set_default_behaviour(paced);
  start_node("a");
  start_node("b");
  ASSERT_TRUE(nodes_->wait_balanced({"a", "b"}, 256, 60s));
  auto owned = hooks_by_owner();
  const auto a_hooks = owned["a"];
  ASSERT_FALSE(a_hooks.empty());
  ASSERT_FALSE(owned["b"].empty());
  const auto epochs_before = epochs();

  steady_writer writer{db_, 100ms};
  ASSERT_TRUE(all_delivered_through(5, 30s));
  // A burst `a` cannot finish within the self-expiry: when the cut comes, a's deliverers
  // hold fetched events they could still send, and must not once the fence has closed.
  const auto burst_last = writer.burst(120);
  const auto burst_first = burst_last - 119;
  ASSERT_TRUE(sub_->wait_for(
      [&] {
        return std::all_of(a_hooks.begin(), a_hooks.end(),
                           [&](const auto& h) { return sub_->contiguous_seq(h) >= burst_first; });
      },
      30s));

  const auto cut_at = steady::now();
  net_->cut("a", "pg");
  ASSERT_TRUE(nodes_->wait_partitions("b", 256, 30s)) << "b never took a's partitions over";
  const auto taken_at = steady::now();
  auto delivered_by_since = [&](const std::string& node, steady::time_point since,
                                const std::string& hook) {
    for (const auto& d : sub_->received(hook))
      if (d.at >= since && sender(d) == node)
        return true;
    return false;
  };
  ASSERT_TRUE(sub_->wait_for(
      [&] {
        return std::all_of(a_hooks.begin(), a_hooks.end(),
                           [&](const auto& h) { return delivered_by_since("b", cut_at, h); });
      },
      30s))
      << "b took the partitions but does not deliver a's hooks";

  const auto healed_at = steady::now();
  net_->heal("a", "pg");
  EXPECT_TRUE(nodes_->wait_balanced({"a", "b"}, 256, 60s)) << "a did not rejoin";
  EXPECT_TRUE(sub_->wait_for(
      [&] {
        for (const auto& h : hook_names())
          if (delivered_by_since("a", healed_at, h))
            return true;
        return false;
      },
      30s))
      << "a never delivered again after the heal";
  writer.stop();
  ASSERT_EQ(writer.error(), "");
  ASSERT_TRUE(all_delivered_through(writer.last_seq(), 120s)) << "events lost";
  const auto epochs_after = epochs();

  // (1) The cut node stopped within its self-expiry, with work still in hand.
  const auto fence_closed_by = cut_at + self_expiry + slack;
  int late = 0;
  steady::time_point last_from_a = cut_at;
  for (const auto& h : hook_names())
    for (const auto& d : sub_->received(h))
      if (sender(d) == "a" && d.at >= cut_at && d.at < healed_at) {
        late += d.at >= fence_closed_by ? 1 : 0;
        last_from_a = std::max(last_from_a, d.at);
      }
  EXPECT_EQ(late, 0) << "a kept delivering after its lease self-expired; its last delivery came "
                     << ms_between(cut_at, last_from_a) << " ms after the cut";
  int withheld = 0;
  for (const auto& h : a_hooks) {
    auto firsts = first_successes(h);
    withheld += firsts.count(burst_last) > 0 && firsts.at(burst_last).at > fence_closed_by ? 1 : 0;
  }
  EXPECT_GT(withheld, 0)
      << "a had finished its work before the self-expiry: the test proves little";

  // (2) + (3) One sender at a time: two nodes delivering a hook at once would interleave
  // their requests, so every change of sender must be a lease hand-over (an epoch bump
  // of the hook's partition), and no hook may see anyone but a and b.
  for (const auto& h : hook_names()) {
    auto runs = sender_runs(h);
    std::string seen;
    for (const auto& r : runs) {
      seen += r.node + "x" + std::to_string(r.deliveries) + " ";
      EXPECT_TRUE(r.node == "a" || r.node == "b") << h << " delivered from " << r.node;
    }
    EXPECT_LE(static_cast<std::int64_t>(runs.size()) - 1, epochs_after.at(h) - epochs_before.at(h))
        << h << ": senders " << seen;
  }
  for (const auto& h : a_hooks)
    EXPECT_GT(epochs_after.at(h), epochs_before.at(h)) << h << " never changed hands";

  // (4) Nothing lost (checked above), nothing reordered, everything signed.
  EXPECT_TRUE(sub_->order_violations().empty()) << sub_->order_violations().size() << " violations";
  expect_signed();
  auto log = nodes_->node("a").log();
  EXPECT_NE(log.find("lost all"), std::string::npos) << "a never noticed it lost its leases";
  std::size_t dups = 0;
  for (const auto& h : hook_names())
    dups += sub_->duplicates(h);
  std::cout << "[netns] a's last delivery " << ms_between(cut_at, last_from_a)
            << " ms after the cut (self-expiry " << self_expiry.count() << " ms); b held all "
            << "partitions " << ms_between(cut_at, taken_at) << " ms after it; "
            << writer.last_seq() << " events per hook, " << dups << " redelivered\n";
}

} // namespace
} // namespace courier::test
