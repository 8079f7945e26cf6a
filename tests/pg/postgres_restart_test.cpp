// Guarantee 1 through a Postgres restart: the node loses every session (leases,
// pool, LISTEN), stops delivering, reconnects, re-acquires its partitions and resumes
// from the durable cursors; events committed before and after all arrive, in order.
#include "tests/pg/pg_test_base.hpp"

#include <thread>

namespace courier::test {
namespace {

class postgres_restart : public pg_test {};

TEST_F(postgres_restart, delivery_resumes_and_nothing_is_lost) {
  std::vector<std::int64_t> ids;
  for (int h = 0; h < 3; ++h)
    ids.push_back(hook("h" + std::to_string(h)));
  behaviour slow; // keep a backlog in flight when the server goes away
  slow.delay_ms = 2;
  sub_.set_default_behaviour(slow);
  auto& node = start_node("n1");
  for (auto id : ids)
    emit_numbered_to(db_, id, "before", 300);
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count() >= 100; }, 30s));
  pg_instance::shared().restart(); // immediate stop: every session is cut
  for (auto id : ids)
    emit_numbered_to(db_, id, "after", 100, 301);
  for (int h = 0; h < 3; ++h)
    ASSERT_TRUE(delivered_through("h" + std::to_string(h), 400, 60s)) << node.log();
  EXPECT_TRUE(sub_.order_violations().empty());
  EXPECT_NE(node.log().find("lost all"), std::string::npos);
  EXPECT_TRUE(node.running());
}

} // namespace
} // namespace courier::test
