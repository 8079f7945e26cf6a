// Nodes rotate the outbox themselves: partitions are created ahead of the writers and
// whole partitions are dropped once every cursor has passed them (DESIGN invariant 6).
#include "tests/pg/pg_test_base.hpp"

namespace courier::test {
namespace {

class outbox_rotation : public pg_test {};

TEST_F(outbox_rotation, a_node_drops_delivered_partitions_and_creates_new_ones) {
  small_outbox_partitions(3);
  auto id = hook("h");
  emit_numbered_to(db_, id, "n", 2500); // ids 1..2500 in partitions 0, 1, 2
  start_node("n1");
  ASSERT_TRUE(delivered_through("h", 2500));
  ASSERT_EQ(nodes_->stop("n1"), 0); // cursors flushed
  // The next start runs maintenance at once.
  auto& again = start_node("n2");
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return pg_instance::exec_scalar(db_, "SELECT to_regclass('courier.events_1')").empty();
      },
      15s))
      << again.log();
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT to_regclass('courier.events_0')"), "");
  EXPECT_NE(pg_instance::exec_scalar(db_, "SELECT to_regclass('courier.events_2')"), "")
      << "the partition being written to was dropped";
  EXPECT_NE(pg_instance::exec_scalar(db_, "SELECT to_regclass('courier.events_4')"), "")
      << "no partitions were created ahead";
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.events_default"), 0);
  emit_to(db_, id, "after", "{}");
  ASSERT_TRUE(delivered_through("h", 2501));
  EXPECT_EQ(sub_.duplicates("h"), 0u);
}

} // namespace
} // namespace courier::test
