// The cursor flusher on CAF's deterministic test scheduler with a fake store:
// coalescing, flush-interval ticks, flush requests, failures and fenced writes.
#include "actors/cursor_flusher.hpp"

#include "actor_test_support.hpp"
#include "actors/exit_reason.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace courier {
namespace {

using namespace std::chrono_literals;
using namespace atoms;
using namespace courier::testing;

cursor_update at(std::int64_t hook, std::int64_t seq, int partition = 1, std::int64_t epoch = 5) {
  return {hook_id{hook}, partition_id{partition}, lease_epoch{epoch}, stream_seq{seq}};
}

// Order-independent view of one commit batch: (hook, seq) pairs sorted by hook.
std::vector<std::pair<std::int64_t, std::int64_t>> seqs(std::vector<cursor_update> batch) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& u : batch)
    out.emplace_back(raw(u.hook), raw(u.seq));
  std::sort(out.begin(), out.end());
  return out;
}

using pairs = std::vector<std::pair<std::int64_t, std::int64_t>>;

// 0: no answer yet, 1: answered true, 2: answered false, 3: error.
struct flush_answer {
  int state = 0;
};

class cursor_flusher_test : public actor_fixture {
protected:
  cursor_flusher_test() {
    db = std::make_shared<fake_store>();
    http = std::make_shared<fake_http>();
    remember(db, http);
    auto clock = std::make_shared<lease_clock>();
    config.cursor_flush_interval = 50ms;
    ctx = std::make_shared<node_context>(node_context{config, db, http, clock,
                                                      std::make_shared<telemetry>(),
                                                      retry_policy{{1ms}}, "courier/test"});
    supervisor_box = std::make_shared<inbox>();
    supervisor = spawn_recorder(supervisor_box);
    flusher = spawn_cursor_flusher(sys, ctx, supervisor);
    kill_at_teardown(flusher);
    run();
  }

  void advance_to(const cursor_update& u) {
    caf::anon_send(flusher, advance_atom::value, u);
    run();
  }

  // Asks for a flush from a helper actor; the answer lands in the returned record.
  std::shared_ptr<flush_answer> request_flush() {
    auto answer = std::make_shared<flush_answer>();
    auto asker = sys.spawn(
        [](caf::event_based_actor* self, std::shared_ptr<flush_answer> answer,
           cursor_flusher target) -> caf::behavior {
          self->request(target, caf::infinite, flush_atom::value)
              .then([answer](bool ok) { answer->state = ok ? 1 : 2; },
                    [answer](caf::error&) { answer->state = 3; });
          return {[](int) {
          }};
        },
        answer, flusher);
    kill_at_teardown(asker);
    run();
    return answer;
  }

  config::node_config config;
  std::shared_ptr<fake_store> db;
  std::shared_ptr<fake_http> http;
  std::shared_ptr<node_context> ctx;
  std::shared_ptr<inbox> supervisor_box;
  recorder supervisor;
  cursor_flusher flusher;
};

TEST_F(cursor_flusher_test, writes_nothing_without_progress) {
  EXPECT_FALSE(has_timer());
  EXPECT_TRUE(db->commits.empty());
}

TEST_F(cursor_flusher_test, updates_wait_for_the_flush_interval) {
  advance_to(at(1, 1));
  EXPECT_TRUE(db->commits.empty());
  advance(49ms);
  EXPECT_TRUE(db->commits.empty());
  advance(1ms);
  ASSERT_EQ(db->commits.size(), 1u);
  EXPECT_EQ(seqs(db->commits[0]), (pairs{{1, 1}}));
}

TEST_F(cursor_flusher_test, updates_for_the_same_hook_coalesce_to_the_highest_seq) {
  advance_to(at(1, 1));
  advance_to(at(1, 2));
  advance_to(at(2, 10));
  advance_to(at(1, 3));
  advance_to(at(2, 11));
  ASSERT_TRUE(fire_timer());
  ASSERT_EQ(db->commits.size(), 1u);
  EXPECT_EQ(seqs(db->commits[0]), (pairs{{1, 3}, {2, 11}}));
  EXPECT_FALSE(has_timer()); // one tick per interval, not one per update
}

TEST_F(cursor_flusher_test, an_older_report_does_not_move_a_cursor_back) {
  advance_to(at(1, 9));
  advance_to(at(1, 4));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  EXPECT_EQ(seqs(db->commits[0]), (pairs{{1, 9}}));
}

TEST_F(cursor_flusher_test, a_report_under_a_new_epoch_replaces_the_old_one) {
  advance_to(at(1, 9, 1, 5));
  advance_to(at(1, 2, 1, 6)); // the partition was re-acquired: restart from its cursor
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  ASSERT_EQ(db->commits[0].size(), 1u);
  EXPECT_EQ(db->commits[0][0].epoch, lease_epoch{6});
  EXPECT_EQ(db->commits[0][0].seq, stream_seq{2});
}

TEST_F(cursor_flusher_test, the_written_update_keeps_partition_and_epoch) {
  advance_to(at(42, 7, 3, 11));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  ASSERT_EQ(db->commits[0].size(), 1u);
  const auto& u = db->commits[0][0];
  EXPECT_EQ(u.hook, hook_id{42});
  EXPECT_EQ(u.partition, partition_id{3});
  EXPECT_EQ(u.epoch, lease_epoch{11});
  EXPECT_EQ(u.seq, stream_seq{7});
}

TEST_F(cursor_flusher_test, later_progress_goes_into_the_next_batch) {
  advance_to(at(1, 1));
  fire_timer();
  advance_to(at(1, 2));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 2u);
  EXPECT_EQ(seqs(db->commits[1]), (pairs{{1, 2}}));
}

TEST_F(cursor_flusher_test, one_write_at_a_time) {
  db->hold_commits = true;
  advance_to(at(1, 1));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  advance_to(at(1, 2));
  advance_to(at(2, 1));
  fire_timer(); // the tick finds a write in flight
  EXPECT_EQ(db->commits.size(), 1u);
  fake_store::release(db->held_commits);
  run();
  ASSERT_EQ(db->commits.size(), 2u); // written as soon as the first completed
  EXPECT_EQ(seqs(db->commits[1]), (pairs{{1, 2}, {2, 1}}));
}

TEST_F(cursor_flusher_test, flush_with_nothing_pending_answers_at_once) {
  auto answer = request_flush();
  EXPECT_EQ(answer->state, 1);
  EXPECT_TRUE(db->commits.empty());
}

TEST_F(cursor_flusher_test, flush_writes_at_once_and_answers_after_the_commit) {
  db->hold_commits = true;
  advance_to(at(1, 5));
  auto answer = request_flush();
  ASSERT_EQ(db->commits.size(), 1u); // no waiting for the tick
  EXPECT_EQ(seqs(db->commits[0]), (pairs{{1, 5}}));
  EXPECT_EQ(answer->state, 0); // not before the commit completed
  fake_store::release(db->held_commits);
  run();
  EXPECT_EQ(answer->state, 1);
}

TEST_F(cursor_flusher_test, flush_during_a_write_waits_for_that_write) {
  db->hold_commits = true;
  advance_to(at(1, 5));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  auto answer = request_flush();
  EXPECT_EQ(answer->state, 0);
  fake_store::release(db->held_commits);
  run();
  EXPECT_EQ(answer->state, 1);
  EXPECT_EQ(db->commits.size(), 1u); // nothing new to write
}

TEST_F(cursor_flusher_test, flush_covers_progress_reported_during_a_write) {
  db->hold_commits = true;
  advance_to(at(1, 5));
  fire_timer();
  advance_to(at(1, 6)); // reported while the first write is in flight
  auto answer = request_flush();
  fake_store::release(db->held_commits);
  run();
  EXPECT_EQ(answer->state, 0); // seq 6 is not durable yet
  ASSERT_EQ(db->commits.size(), 2u);
  EXPECT_EQ(seqs(db->commits[1]), (pairs{{1, 6}}));
  fake_store::release(db->held_commits);
  run();
  EXPECT_EQ(answer->state, 1);
}

TEST_F(cursor_flusher_test, every_waiting_flush_is_answered) {
  db->hold_commits = true;
  advance_to(at(1, 5));
  auto first = request_flush();
  auto second = request_flush();
  fake_store::release(db->held_commits);
  run();
  EXPECT_EQ(first->state, 1);
  EXPECT_EQ(second->state, 1);
}

TEST_F(cursor_flusher_test, failed_write_is_retried_with_the_same_progress) {
  db->commit_error = error{errc::retryable, "connection lost"};
  advance_to(at(1, 5));
  advance_to(at(2, 8));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  advance(199ms);
  EXPECT_EQ(db->commits.size(), 1u);
  advance(1ms);
  ASSERT_EQ(db->commits.size(), 2u);
  EXPECT_EQ(seqs(db->commits[1]), (pairs{{1, 5}, {2, 8}}));
}

TEST_F(cursor_flusher_test, newer_progress_wins_over_a_failed_batch) {
  db->commit_error = error{errc::retryable, "connection lost"};
  db->hold_commits = true;
  advance_to(at(1, 5));
  fire_timer();
  ASSERT_EQ(db->commits.size(), 1u);
  advance_to(at(1, 7)); // arrives while the failing write is in flight
  db->hold_commits = false;
  fake_store::release(db->held_commits); // the write fails
  run();
  while (fire_timer()) {
  }
  ASSERT_EQ(db->commits.size(), 2u);
  EXPECT_EQ(seqs(db->commits[1]), (pairs{{1, 7}}));
}

TEST_F(cursor_flusher_test, flush_waiting_on_a_failed_write_is_answered_after_the_retry) {
  db->commit_error = error{errc::retryable, "connection lost"};
  advance_to(at(1, 5));
  auto answer = request_flush();
  ASSERT_EQ(db->commits.size(), 1u);
  EXPECT_EQ(answer->state, 0);
  ASSERT_TRUE(fire_timer()); // the retry tick
  ASSERT_EQ(db->commits.size(), 2u);
  EXPECT_EQ(answer->state, 1);
}

TEST_F(cursor_flusher_test, a_permanent_write_failure_fails_the_flusher) {
  auto box = std::make_shared<inbox>();
  watch(flusher, box); // in production the node supervisor is linked to it
  db->commit_error = error{errc::permanent, "column \"delivered_seq\" does not exist"};
  advance_to(at(1, 5));
  auto answer = request_flush();
  ASSERT_EQ(box->downs.size(), 1u);
  auto failure = failure_of(box->downs.front().reason);
  EXPECT_EQ(failure.code, errc::permanent);
  EXPECT_NE(failure.message.find("delivered_seq"), std::string::npos) << failure.message;
  EXPECT_EQ(answer->state, 3); // the waiting flush learns it failed
  EXPECT_EQ(db->commits.size(), 1u);
}

TEST_F(cursor_flusher_test, rejected_hooks_report_their_partition_as_fenced) {
  db->reject_hooks = {1, 2};
  advance_to(at(1, 5, 3));
  advance_to(at(2, 5, 3));
  advance_to(at(3, 5, 4));
  fire_timer();
  // One message per partition, not per hook; partition 4 was accepted.
  EXPECT_EQ(supervisor_box->fenced_partitions, std::vector<int>{3});
}

TEST_F(cursor_flusher_test, rejections_in_several_partitions_report_each) {
  db->reject_hooks = {1, 3};
  advance_to(at(1, 5, 3));
  advance_to(at(2, 5, 4));
  advance_to(at(3, 5, 6));
  fire_timer();
  auto fenced = supervisor_box->fenced_partitions;
  std::sort(fenced.begin(), fenced.end());
  EXPECT_EQ(fenced, (std::vector<int>{3, 6}));
}

TEST_F(cursor_flusher_test, accepted_writes_report_nothing) {
  advance_to(at(1, 5, 3));
  fire_timer();
  EXPECT_TRUE(supervisor_box->fenced_partitions.empty());
}

TEST_F(cursor_flusher_test, a_rejected_write_is_not_retried) {
  db->reject_hooks = {1};
  advance_to(at(1, 5, 3));
  fire_timer();
  while (fire_timer()) {
  }
  EXPECT_EQ(db->commits.size(), 1u);
}

} // namespace
} // namespace courier
