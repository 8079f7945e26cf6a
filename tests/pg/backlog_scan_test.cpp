// The backlog scan, the safety net for lost notifications: the store finds exactly the
// active hooks of the asked partitions whose stream is ahead of their cursor, and a
// node whose listen session died while an event was emitted still delivers it.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/pg_store.hpp"

#include <algorithm>
#include <future>
#include <thread>

namespace courier::test {
namespace {

class backlog_scan : public pg_test {
protected:
  partition_id partition_of(std::int64_t id) {
    return partition_id{static_cast<int>(
        scalar("SELECT partition FROM courier.hooks WHERE id = " + std::to_string(id)))};
  }

  std::vector<std::int64_t> scan(const std::vector<partition_id>& partitions) {
    pg_store store{std::make_shared<pg_pool>(db_, 1, "backlog-scan-test"), "scanner",
                   std::chrono::hours{168}};
    std::promise<result<std::vector<wakeup>>> answer;
    store.find_backlogs(partitions,
                        [&](result<std::vector<wakeup>> r) { answer.set_value(std::move(r)); });
    auto found = answer.get_future().get();
    EXPECT_TRUE(found.ok()) << (found.ok() ? "" : found.error().message);
    std::vector<std::int64_t> hooks;
    if (found.ok())
      for (const auto& w : found.value()) {
        EXPECT_TRUE(w.hook.has_value());
        if (w.hook) {
          EXPECT_EQ(w.partition, partition_of(raw(*w.hook)));
          hooks.push_back(raw(*w.hook));
        }
      }
    std::sort(hooks.begin(), hooks.end());
    return hooks;
  }
};

TEST_F(backlog_scan, finds_the_active_hooks_behind_in_the_asked_partitions_only) {
  auto behind = hook("behind");
  auto caught_up = hook("caught-up");
  auto paused = hook("paused");
  hook("idle"); // no events at all
  emit_numbered_to(db_, behind, "n", 3);
  emit_numbered_to(db_, caught_up, "n", 2);
  emit_numbered_to(db_, paused, "n", 1);
  scalar("UPDATE courier.cursors SET delivered_seq = 2 WHERE hook_id = " +
         std::to_string(caught_up));
  scalar("SELECT courier.pause_hook(" + std::to_string(paused) + ")");

  std::vector<partition_id> all;
  for (int p = 0; p < 256; ++p)
    all.push_back(partition_id{p});
  EXPECT_EQ(scan(all), std::vector<std::int64_t>{behind});

  std::vector<partition_id> others;
  for (int p = 0; p < 256; ++p)
    if (partition_id{p} != partition_of(behind))
      others.push_back(partition_id{p});
  EXPECT_TRUE(scan(others).empty()) << "a hook outside the asked partitions was found";
  EXPECT_TRUE(scan({}).empty());
}

TEST_F(backlog_scan, an_event_whose_notification_was_lost_is_still_delivered) {
  hook("a");
  auto& node = start_node("n1", {"--passivate_after_ms", "200", "--poll_interval_ms", "1000"});
  emit(db_, "first", "{}");
  ASSERT_TRUE(delivered_through("a", 1, 30s)) << node.log();
  std::this_thread::sleep_for(500ms); // the deliverer passivates: only a wake-up restarts it

  // The listen session ends; what is emitted before it is back is never notified to it.
  // Reconnecting waits 200 ms or more, so the emit below lands in the gap.
  ASSERT_EQ(scalar("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                   "WHERE application_name = 'courier-listen/n1'"),
            1);
  emit(db_, "second", "{}");
  EXPECT_TRUE(delivered_through("a", 2, 10s)) << node.log();
  EXPECT_EQ(sub_.duplicates("a"), 0u);
}

} // namespace
} // namespace courier::test
