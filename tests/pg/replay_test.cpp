// Replay from a seq (`courierctl replay --hook ID --from-seq N`): the owner of the hook's
// partition stops its deliverer, flushes, moves the cursor back under its lease epoch and
// delivers N.. again in order; a rewind under a stale epoch changes nothing.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/admin_client.hpp"

#include <nlohmann/json.hpp>

namespace courier::test {
namespace {

constexpr const char* token = "replay-test-token";

class replay : public pg_test {
protected:
  // The seqs the subscriber received after its first `skip` requests, in arrival order.
  std::vector<std::int64_t> seqs_after(const std::string& name, std::size_t skip) {
    std::vector<std::int64_t> out;
    auto got = sub_.received(name);
    for (std::size_t i = skip; i < got.size(); ++i)
      out.push_back(got[i].seq);
    return out;
  }

  static std::vector<std::int64_t> range(std::int64_t from, std::int64_t to) {
    std::vector<std::int64_t> out;
    for (auto s = from; s <= to; ++s)
      out.push_back(s);
    return out;
  }
};

TEST_F(replay, from_seq_50_after_100_delivered_redelivers_50_to_100_in_order) {
  const auto id = hook("h");
  for (int i = 1; i <= 100; ++i)
    emit_to(db_, id, "order.paid", "{\"n\": " + std::to_string(i) + "}");
  auto& node = start_node("n1", {"--admin_token", token});
  auto port = wait_admin_port(node, 30s);
  ASSERT_TRUE(port) << node.log();
  ASSERT_TRUE(delivered_through("h", 100));
  const auto first_pass = sub_.count("h");

  auto r = courierctl(*port, token, {"replay", "--hook", std::to_string(id), "--from-seq", "50"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("from seq 50"), std::string::npos) << r.output;
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("h") >= first_pass + 51; }, 30s));
  EXPECT_EQ(seqs_after("h", first_pass), range(50, 100));
  EXPECT_TRUE(sub_.order_violations().empty());
  // Applied by the owner under the lease it holds now.
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.rewinds r JOIN courier.leases l "
                   "ON l.epoch = r.applied_epoch JOIN courier.hooks h ON h.id = r.hook_id "
                   "AND h.partition = l.partition WHERE r.applied_by = 'n1'"),
            1);
  // And the cursor ends where it was.
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT delivered_seq FROM courier.cursors WHERE hook_id = " +
                      std::to_string(id)) == 100;
      },
      10s));
}

TEST_F(replay, a_rewind_under_a_stale_epoch_is_rejected_and_the_owner_applies_it) {
  const auto id = hook("h");
  for (int i = 1; i <= 10; ++i)
    emit_to(db_, id, "t", "{}");
  const auto hook_id = std::to_string(id);
  // As if seqs 1-10 had been delivered by an earlier owner under epoch 3.
  pg_instance::exec_scalar(db_, "UPDATE courier.cursors SET delivered_seq = 10 WHERE hook_id = " +
                                    hook_id);
  pg_instance::exec_scalar(db_, "INSERT INTO courier.leases (partition, epoch, node_id) "
                                "SELECT partition, 3, 'old' FROM courier.hooks WHERE id = " +
                                    hook_id);
  const auto rewind = std::to_string(scalar("SELECT courier.request_rewind(" + hook_id + ", 5)"));
  const auto partition =
      std::to_string(scalar("SELECT partition FROM courier.hooks WHERE id = " + hook_id));
  // Not the epoch the lease is held under, or not the holder: refused, nothing changes.
  for (const std::string& args : {partition + ", 2, 'old'", partition + ", 3, 'other'"})
    EXPECT_EQ(
        pg_instance::exec_scalar(db_, "SELECT courier.apply_rewind(" + rewind + ", " + args + ")"),
        "fenced")
        << args;
  EXPECT_EQ(scalar("SELECT delivered_seq FROM courier.cursors WHERE hook_id = " + hook_id), 10);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.rewinds WHERE applied_at IS NULL"), 1);

  // A node taking the partition applies the pending rewind before delivering.
  start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("h") >= 6; }, 30s));
  EXPECT_EQ(seqs_after("h", 0), range(5, 10));
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.rewinds WHERE applied_by = 'n1' AND "
                   "applied_epoch > 3"),
            1);
}

TEST_F(replay, asking_for_a_seq_outside_the_stream_or_an_unknown_hook_is_refused) {
  const auto id = std::to_string(hook("h"));
  emit_to(db_, std::stoll(id), "t", "{}");
  EXPECT_NE(error_of("SELECT courier.request_rewind(" + id + ", 0)").find("from_seq"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT courier.request_rewind(" + id + ", 2)").find("from_seq"),
            std::string::npos);
  EXPECT_NE(error_of("SELECT courier.request_rewind(999999, 1)").find("no hook"),
            std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.rewinds"), 0);
}

} // namespace
} // namespace courier::test
