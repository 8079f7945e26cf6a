// Fencing (CONTRACT guarantee 3): writes carry the lease epoch they were made under
// and are rejected once a newer owner has bumped it.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/pg_lease_store.hpp"
#include "runtime/pg_store.hpp"

#include <future>

namespace courier::test {
namespace {

class fencing : public pg_test {};

std::vector<partition_id> partitions(std::initializer_list<int> ps) {
  std::vector<partition_id> out;
  for (int p : ps)
    out.push_back(partition_id{p});
  return out;
}

template <class T> result<T> wait(const std::function<void(callback<T>)>& call) {
  std::promise<result<T>> p;
  call([&](result<T> r) { p.set_value(std::move(r)); });
  return p.get_future().get();
}

TEST_F(fencing, stale_epoch_cursor_and_dead_letter_writes_are_rejected) {
  auto id = hook("h");
  emit_numbered_to(db_, id, "n", 5);
  hook_id hook{id};
  partition_id partition{static_cast<int>(
      scalar("SELECT partition FROM courier.hooks WHERE id = " + std::to_string(id)))};
  auto at = [&](lease_epoch epoch, std::int64_t seq) {
    return cursor_update{hook, partition, epoch, stream_seq{seq}};
  };
  lease_store_options opts{db_, "old-owner", "test", 256, 2s};
  pg_lease_store old_owner{opts};
  ASSERT_TRUE(old_owner.open().ok());
  auto grants = old_owner.acquire({partition}).value();
  ASSERT_EQ(grants.size(), 1u);
  auto stale_epoch = grants[0].epoch;
  auto pool = std::make_shared<pg_pool>(db_, 1, "fencing-test");
  pg_store as_old{pool, "old-owner", std::chrono::hours{168}};
  auto ok =
      wait<std::vector<hook_id>>([&](auto cb) { as_old.commit_cursors({at(stale_epoch, 2)}, cb); });
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok.value().empty());
  EXPECT_EQ(scalar("SELECT next_seq FROM courier.hook_status"), 3);

  // The old owner's session dies (e.g. frozen past its self-expiry and ended by a
  // peer); a new owner takes the partition and bumps the epoch.
  old_owner.close();
  pg_lease_store new_owner{lease_store_options{db_, "new-owner", "test", 256, 2s}};
  ASSERT_TRUE(new_owner.open().ok());
  auto taken = new_owner.acquire({partition}).value();
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(raw(taken[0].epoch), raw(stale_epoch) + 1);

  auto rejected =
      wait<std::vector<hook_id>>([&](auto cb) { as_old.commit_cursors({at(stale_epoch, 4)}, cb); });
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected.value(), std::vector<hook_id>{hook});
  EXPECT_EQ(scalar("SELECT next_seq FROM courier.hook_status"), 3) << "stale write applied";
  auto parked = wait<void>([&](auto cb) {
    as_old.park_dead_letter({at(stale_epoch, 3), 5, "boom"}, cb);
  });
  ASSERT_FALSE(parked.ok());
  EXPECT_EQ(parked.error().code, errc::fenced) << parked.error().message;
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.dead_letters"), 0);
  auto recorded = wait<void>([&](auto cb) {
    as_old.record_failure({at(stale_epoch, 3), 2, "HTTP 500"}, cb);
  });
  ASSERT_FALSE(recorded.ok());
  EXPECT_EQ(recorded.error().code, errc::fenced) << recorded.error().message;
  EXPECT_EQ(
      scalar("SELECT head_attempts FROM courier.cursors WHERE hook_id = " + std::to_string(id)), 0);

  pg_store as_new{pool, "new-owner", std::chrono::hours{168}};
  auto fresh = wait<std::vector<hook_id>>(
      [&](auto cb) { as_new.commit_cursors({at(taken[0].epoch, 4)}, cb); });
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh.value().empty());
  EXPECT_EQ(scalar("SELECT next_seq FROM courier.hook_status"), 5);
  // Under the current lease: recorded for the head event, nothing for a passed one.
  auto head = wait<void>([&](auto cb) {
    as_new.record_failure({at(taken[0].epoch, 5), 2, "HTTP 500"}, cb);
  });
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(
      scalar("SELECT head_attempts FROM courier.cursors WHERE hook_id = " + std::to_string(id)), 2);
  auto passed = wait<void>([&](auto cb) {
    as_new.record_failure({at(taken[0].epoch, 3), 7, "HTTP 500"}, cb);
  });
  ASSERT_TRUE(passed.ok()) << passed.error().message;
  EXPECT_EQ(
      scalar("SELECT head_attempts FROM courier.cursors WHERE hook_id = " + std::to_string(id)), 2);
}

TEST_F(fencing, one_session_per_partition_lock) {
  pg_lease_store a{lease_store_options{db_, "a", "test", 8, 2s}};
  pg_lease_store b{lease_store_options{db_, "b", "test", 8, 2s}};
  ASSERT_TRUE(a.open().ok());
  ASSERT_TRUE(b.open().ok());
  EXPECT_EQ(a.acquire(partitions({0, 1, 2, 3})).value().size(), 4u);
  EXPECT_TRUE(b.acquire(partitions({0, 1, 2, 3})).value().empty());
  auto view = b.heartbeat(2s, 4s).value();
  EXPECT_EQ(view.unowned, partitions({4, 5, 6, 7}));
  EXPECT_EQ(view.live_nodes, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(a.release(partitions({0, 1})).ok());
  EXPECT_EQ(b.acquire(partitions({0, 1, 2, 3})).value().size(), 2u);
}

} // namespace
} // namespace courier::test
