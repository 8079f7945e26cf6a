// poison_policy = dead_letter: a permanently failing event is parked after
// max_attempts, the stream moves on, and the parked event can be replayed.
#include "tests/pg/pg_test_base.hpp"

#include <thread>

namespace courier::test {
namespace {

class dead_letter : public pg_test {};

TEST_F(dead_letter, parks_after_max_attempts_and_continues) {
  auto id = hook("h");
  behaviour failing;
  failing.fixed_status = 500;
  sub_.set_behaviour("h", failing);
  start_node("n1", {"--poison_policy", "dead_letter", "--max_attempts", "3"});
  emit_to(db_, id, "poison", R"({"n":1})");
  ASSERT_TRUE(
      sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.dead_letters") == 1; }, 15s));
  EXPECT_EQ(sub_.count("h"), 3u);
  EXPECT_EQ(scalar("SELECT attempts FROM courier.dead_letters"), 3);
  EXPECT_EQ(scalar("SELECT seq FROM courier.dead_letters"), 1);
  sub_.clear_behaviour("h");
  sub_.mark_skipped("h", 1);
  emit_to(db_, id, "fine", R"({"n":2})");
  emit_to(db_, id, "fine", R"({"n":3})");
  ASSERT_TRUE(delivered_through("h", 3));
  EXPECT_TRUE(sub_.order_violations().empty());
  // Replay re-appends the parked event at the tail of the stream.
  pg_instance::exec_scalar(db_, "SELECT courier.replay_dead_letter(id) FROM courier.dead_letters");
  ASSERT_TRUE(delivered_through("h", 4));
  auto got = sub_.received("h");
  EXPECT_NE(got.back().body.find("poison"), std::string::npos);
}

TEST_F(dead_letter, a_subscriber_answering_bytes_that_are_not_utf8_is_still_parked) {
  // The answer's excerpt goes into last_error and the dead letter; Postgres refuses
  // text that is not UTF-8, so a raw excerpt would make every park fail.
  auto id = hook("h");
  behaviour failing;
  failing.fixed_status = 500;
  failing.failure_body = std::string(199, 'x') + "\xC3\xA9 \xFF\xFE binary";
  sub_.set_behaviour("h", failing);
  start_node("n1",
             {"--poison_policy", "dead_letter", "--max_attempts", "2", "--retry_schedule", "50ms"});
  emit_to(db_, id, "poison", R"({"n":1})");
  ASSERT_TRUE(
      sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.dead_letters") == 1; }, 15s));
  EXPECT_EQ(pg_instance::exec_scalar(db_, "SELECT last_error FROM courier.dead_letters"),
            "HTTP 500: " + std::string(199, 'x'));
}

TEST_F(dead_letter, block_policy_waits_on_the_head_visibly) {
  auto id = hook("h");
  behaviour failing;
  failing.fixed_status = 500;
  sub_.set_behaviour("h", failing);
  start_node("n1", {"--retry_schedule", "50ms"});
  emit_to(db_, id, "stuck", "{}");
  emit_to(db_, id, "behind", "{}");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("h") >= 5; }, 10s));
  for (const auto& d : sub_.received("h"))
    EXPECT_EQ(d.seq, 1) << "under block nothing overtakes the head";
  ASSERT_TRUE(sub_.wait_for(
      [&] { return scalar("SELECT head_attempts FROM courier.hook_status") >= 4; }, 10s));
  EXPECT_NE(pg_instance::exec_scalar(db_, "SELECT last_error FROM courier.hook_status").find("500"),
            std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.dead_letters"), 0);
  sub_.clear_behaviour("h");
  ASSERT_TRUE(delivered_through("h", 2));
}

} // namespace
} // namespace courier::test
