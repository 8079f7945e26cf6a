// Ordered batches (CONTRACT.md "Batches"): with batch_max a hook's consecutive events go
// out as signed ranges in seq order; a failed range is retried as the same range; under
// dead_letter a condemned range is parked event by event.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/signature.hpp"

#include <nlohmann/json.hpp>

namespace courier::test {
namespace {

using json = nlohmann::json;

class batches : public pg_test {
protected:
  std::int64_t batched_hook(const std::string& name, const std::string& options) {
    auto id = hook(name);
    pg_instance::exec_scalar(db_, "SELECT courier.configure_hook(" + std::to_string(id) + ", '" +
                                      options + "')");
    return id;
  }

  // The seqs a batch request carries, checking its envelope, headers and signature.
  std::vector<std::int64_t> batch_seqs(const delivery& d, const std::string& name) {
    std::vector<std::int64_t> seqs;
    EXPECT_TRUE(signature_matches(d.signature, secrets_[name], d.webhook_id, d.timestamp, d.body))
        << d.body;
    auto body = json::parse(d.body, nullptr, false);
    EXPECT_EQ(body.value("type", ""), "courier.batch") << d.body;
    EXPECT_TRUE(body.contains("timestamp")) << d.body;
    for (const auto& e : body["data"]) {
      seqs.push_back(e.value("seq", -1LL));
      for (const char* member : {"id", "type", "timestamp", "data"})
        EXPECT_TRUE(e.contains(member)) << member << " missing in " << e;
    }
    EXPECT_FALSE(seqs.empty());
    if (!seqs.empty()) {
      EXPECT_EQ(d.seq, seqs.front()) << "courier-seq names the first";
    }
    return seqs;
  }
};

TEST_F(batches, a_backlog_goes_out_as_ordered_signed_ranges_of_at_most_batch_max) {
  const auto id = batched_hook("b", R"({"batch_max": 10})");
  for (int i = 1; i <= 25; ++i)
    emit_to(db_, id, "order.paid", "{\"n\": " + std::to_string(i) + "}");
  start_node("n1");
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT delivered_seq FROM courier.cursors WHERE hook_id = " +
                      std::to_string(id)) == 25;
      },
      30s));
  std::vector<std::int64_t> all;
  for (const auto& d : sub_.received("b")) {
    auto seqs = batch_seqs(d, "b");
    EXPECT_LE(seqs.size(), 10u);
    for (std::size_t i = 1; i < seqs.size(); ++i)
      EXPECT_EQ(seqs[i], seqs[i - 1] + 1) << "a batch never skips a seq";
    all.insert(all.end(), seqs.begin(), seqs.end());
  }
  std::vector<std::int64_t> expected;
  for (std::int64_t s = 1; s <= 25; ++s)
    expected.push_back(s);
  EXPECT_EQ(all, expected);
  EXPECT_LE(sub_.count("b"), 5u) << "25 events took as many requests";
}

TEST_F(batches, a_failed_range_is_retried_as_the_same_range) {
  behaviour failing;
  failing.fixed_status = 503;
  sub_.set_behaviour("b", failing);
  const auto id = batched_hook("b", R"({"batch_max": 5, "retry_schedule": "300ms"})");
  for (int i = 1; i <= 3; ++i)
    emit_to(db_, id, "t", "{}");
  start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("b") >= 1; }, 30s));
  // Three more while the range waits for its retry, committed together (a fetch sees all
  // of them or none).
  pg_instance::exec_scalar(db_, "SELECT count(courier.emit_to(" + std::to_string(id) +
                                    ", 't', '{}')) FROM generate_series(4, 6)");
  sub_.set_behaviour("b", behaviour{});
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT delivered_seq FROM courier.cursors WHERE hook_id = " +
                      std::to_string(id)) == 6;
      },
      30s));
  auto got = sub_.received("b");
  ASSERT_GE(got.size(), 3u);
  EXPECT_EQ(batch_seqs(got[0], "b"), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(batch_seqs(got[1], "b"), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(got[1].webhook_id, got[0].webhook_id);
  EXPECT_EQ(got[1].attempt, 2);
  EXPECT_EQ(batch_seqs(got[2], "b"), (std::vector<std::int64_t>{4, 5, 6}));
}

TEST_F(batches, a_condemned_range_is_parked_event_by_event) {
  behaviour failing;
  failing.fixed_status = 500;
  sub_.set_behaviour("b", failing);
  const auto id =
      batched_hook("b", R"({"batch_max": 4, "poison_policy": "dead_letter", "max_attempts": 2,
              "retry_schedule": "100ms"})");
  for (int i = 1; i <= 6; ++i)
    emit_to(db_, id, "t", "{}");
  start_node("n1");
  ASSERT_TRUE(
      sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.dead_letters") == 6; }, 30s));
  EXPECT_EQ(scalar("SELECT count(DISTINCT seq) FROM courier.dead_letters WHERE attempts = 2"), 6);
  EXPECT_EQ(
      scalar("SELECT delivered_seq FROM courier.cursors WHERE hook_id = " + std::to_string(id)), 6);
}

} // namespace
} // namespace courier::test
