// The attempt logger batches attempts into few store writes, keeps them through a failed
// write, stays bounded while the store fails, and answers flush once all is written.
#include "actors/attempt_logger.hpp"

#include "actor_test_support.hpp"

#include <gtest/gtest.h>

namespace courier {
namespace {

using namespace courier::testing;

class attempt_logger_test : public actor_fixture {
protected:
  std::shared_ptr<fake_store> db = std::make_shared<fake_store>();
  config::node_config config;
  attempt_logger logger;

  void start(attempt_logger_limits limits) {
    auto ctx = std::make_shared<node_context>(
        node_context{config, db, nullptr, std::make_shared<lease_clock>(),
                     std::make_shared<telemetry>(), retry_policy{config.retry_schedule}, "t"});
    logger = spawn_attempt_logger(sys, ctx, limits);
    kill_at_teardown(logger);
    run();
  }

  void tell(std::int64_t seq) {
    attempt_record a;
    a.hook = hook_id{7};
    a.seq = stream_seq{seq};
    a.outcome = "delivered";
    caf::anon_send(logger, atoms::attempt_atom::value, std::vector<attempt_record>{a});
    run();
  }

  std::vector<std::int64_t> written_seqs() const {
    std::vector<std::int64_t> out;
    for (const auto& batch : db->attempt_batches)
      for (const auto& a : batch)
        out.push_back(raw(a.seq));
    return out;
  }
};

TEST_F(attempt_logger_test, gathers_attempts_until_the_interval_then_writes_them_at_once) {
  start({});
  for (int seq = 1; seq <= 3; ++seq)
    tell(seq);
  EXPECT_TRUE(db->attempt_batches.empty()); // nothing before the interval
  ASSERT_TRUE(fire_timer());
  ASSERT_EQ(db->attempt_batches.size(), 1u);
  EXPECT_EQ(written_seqs(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(attempt_logger_test, a_full_batch_is_written_without_waiting) {
  attempt_logger_limits limits;
  limits.batch = 2;
  start(limits);
  tell(1);
  tell(2);
  ASSERT_EQ(db->attempt_batches.size(), 1u);
  EXPECT_EQ(db->attempt_batches[0].size(), 2u);
}

TEST_F(attempt_logger_test, a_failed_write_is_retried_with_the_same_records) {
  start({});
  db->attempts_error = error{errc::retryable, "connection lost"};
  tell(1);
  ASSERT_TRUE(fire_timer()); // the write, which fails
  ASSERT_TRUE(fire_timer()); // the retry
  ASSERT_EQ(db->attempt_batches.size(), 2u);
  EXPECT_EQ(written_seqs(), (std::vector<std::int64_t>{1, 1}));
  tell(2);
  ASSERT_TRUE(fire_timer());
  EXPECT_EQ(db->attempt_batches.back().size(), 1u); // 1 is not written twice more
}

TEST_F(attempt_logger_test, the_backlog_is_bounded_by_dropping_the_oldest_unwritten) {
  attempt_logger_limits limits;
  limits.backlog = 3;
  start(limits);
  for (int seq = 1; seq <= 5; ++seq)
    tell(seq);
  ASSERT_TRUE(fire_timer());
  EXPECT_EQ(written_seqs(), (std::vector<std::int64_t>{3, 4, 5}));
}

TEST_F(attempt_logger_test, flush_answers_once_everything_told_before_is_written) {
  start({});
  tell(1);
  bool flushed = false;
  auto asker = sys.spawn([&](caf::event_based_actor* self) {
    self->request(logger, caf::infinite, atoms::flush_atom::value).then([&](bool ok) {
      flushed = ok;
    });
  });
  kill_at_teardown(asker);
  run();
  EXPECT_TRUE(flushed);
  EXPECT_EQ(written_seqs(), std::vector<std::int64_t>{1});
}

} // namespace
} // namespace courier
