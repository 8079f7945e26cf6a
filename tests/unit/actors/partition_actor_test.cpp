// The partition actor's reaction to failures, decided by the error's class: retryable
// failures of a deliverer are restarted without counting against the hook, permanent
// ones lead to quarantine, a fenced write drops the partition; a load that cannot
// succeed fails the partition actor. CAF's deterministic scheduler, fake store.
#include "actors/partition_actor.hpp"

#include "actor_test_support.hpp"
#include "actors/exit_reason.hpp"
#include "net/signer.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace courier {
namespace {

using namespace std::chrono_literals;
using namespace atoms;
using namespace courier::testing;

constexpr hook_id hook_21{21};
constexpr partition_id partition_4{4};

class partition_actor_test : public actor_fixture {
protected:
  partition_actor_test() {
    db = std::make_shared<fake_store>();
    http = std::make_shared<fake_http>();
    remember(db, http);
    clock = std::make_shared<lease_clock>();
    clock->confirm(lease_clock::clock::now(), 24h);
    config.poison = config::poison_policy::dead_letter;
    config.max_attempts = 1;
    hook_spec h;
    h.id = hook_21;
    h.partition = partition_4;
    h.url = "https://subscriber.test/21";
    h.secrets = {"whsec_" + net::base64_encode("partition-actor-test-key")};
    h.state = hook_state::active;
    h.last_seq = stream_seq{1}; // a backlog: the deliverer starts with the partition
    db->hooks[partition_4] = {h};
    supervisor_box = std::make_shared<inbox>();
  }

  // Spawns the partition actor from a parent that records its down message.
  void start() {
    auto ctx = std::make_shared<node_context>(node_context{config, db, http, clock,
                                                           std::make_shared<telemetry>(),
                                                           retry_policy{{1ms}}, "courier/test"});
    auto flusher = spawn_recorder(std::make_shared<inbox>());
    partition_args args{ctx, lease_grant{partition_4, lease_epoch{9}, "", -1}, flusher, {}};
    partition = spawn_supervised<partition_actor>(supervisor_box, [args](caf::local_actor* parent) {
      return spawn_partition_actor(parent, args);
    });
    ASSERT_TRUE(partition);
  }

  bool stopped() const { return !supervisor_box->downs.empty(); }
  error exit_error() const { return failure_of(supervisor_box->downs.front().reason); }

  // Lets every pending restart timer fire, `rounds` times over.
  void fire_timers(int rounds) {
    for (int i = 0; i < rounds && fire_timer(); ++i) {
    }
  }

  config::node_config config;
  std::shared_ptr<fake_store> db;
  std::shared_ptr<fake_http> http;
  std::shared_ptr<lease_clock> clock;
  std::shared_ptr<inbox> supervisor_box;
  partition_actor partition;
};

TEST_F(partition_actor_test, starts_a_deliverer_per_active_hook) {
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}};
  start();
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(header(http->requests.front(), "courier-seq"), "1");
  EXPECT_FALSE(stopped());
}

TEST_F(partition_actor_test, a_hook_with_nothing_to_send_gets_no_deliverer_until_woken) {
  db->hooks[partition_4].front().last_seq = stream_seq{0};
  start();
  EXPECT_TRUE(db->fetches.empty());
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}};
  caf::anon_send(partition, wake_atom::value, hook_21);
  run();
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(header(http->requests.front(), "courier-seq"), "1");
}

TEST_F(partition_actor_test, a_passivated_hook_starts_again_where_its_deliverer_stopped) {
  config.passivate_after = 1s;
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}, {stream_seq{2}, 101, 0, "{}"}};
  start();
  http->answer_status(200);
  run();
  http->answer_status(200);
  run();
  advance(1s); // idle: the deliverer passivates (the durable cursor is still 0 here)
  auto fetches = db->fetches.size();
  db->events[hook_21].push_back({stream_seq{3}, 102, 0, "{}"});
  caf::anon_send(partition, wake_atom::value, hook_21);
  run();
  ASSERT_EQ(db->fetches.size(), fetches + 1);
  EXPECT_EQ(db->fetches.back().after, stream_seq{2}) << "from where it stopped, not the cursor";
  ASSERT_EQ(http->requests.size(), 3u);
  EXPECT_EQ(header(http->requests.back(), "courier-seq"), "3");
  // A reload (any hook of the partition changed) leaves it passivated once idle again.
  http->answer_status(200);
  run();
  advance(1s);
  fetches = db->fetches.size();
  caf::anon_send(partition, hooks_changed_atom::value);
  run();
  EXPECT_EQ(db->fetches.size(), fetches);
  EXPECT_FALSE(stopped());
}

TEST_F(partition_actor_test, permanent_deliverer_failures_end_in_quarantine) {
  db->fetch_error = error{errc::permanent, "relation does not exist"};
  start();
  EXPECT_EQ(db->fetches.size(), 1u);
  fire_timers(4); // five failures: restarted each time
  EXPECT_TRUE(db->quarantines.empty());
  fire_timers(1); // the sixth within the window: quarantined for a minute
  EXPECT_EQ(db->fetches.size(), 6u);
  ASSERT_EQ(db->quarantines.size(), 1u);
  EXPECT_EQ(db->quarantines.front(), hook_21);
  advance(59s);
  EXPECT_EQ(db->fetches.size(), 6u);
  advance(1s); // then the hook is tried again
  EXPECT_EQ(db->fetches.size(), 7u);
  EXPECT_FALSE(stopped());
}

TEST_F(partition_actor_test, retryable_deliverer_failures_are_restarted_never_quarantined) {
  db->fetch_error = error{errc::retryable, "connection refused"};
  start();
  fire_timers(20);
  EXPECT_TRUE(db->quarantines.empty());
  EXPECT_EQ(db->fetches.size(), 21u); // every timer was a restart, none a quarantine
  EXPECT_FALSE(stopped());
  // The store is back: the next restart delivers.
  db->fetch_error.reset();
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}};
  fire_timers(1);
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(partition_actor_test, a_fenced_deliverer_drops_the_partition) {
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}, {stream_seq{2}, 101, 0, "{}"}};
  db->park_result = error{errc::fenced, "epoch 9 moved on"};
  start();
  http->answer_status(500); // max_attempts 1: parked at once, and the park is fenced
  run();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::fenced) << exit_error().message;
  // Nothing was restarted or sent afterwards.
  fire_timers(5);
  EXPECT_EQ(http->requests.size(), 1u);
  EXPECT_TRUE(db->quarantines.empty());
}

TEST_F(partition_actor_test, a_retryable_load_failure_is_retried) {
  db->load_error = error{errc::retryable, "connection lost"};
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}};
  start();
  EXPECT_TRUE(http->requests.empty());
  EXPECT_FALSE(stopped());
  fire_timers(1);
  EXPECT_EQ(db->loads, 2);
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(partition_actor_test, a_permanent_load_failure_fails_the_partition_actor) {
  db->load_error = error{errc::permanent, "column h.secrets does not exist"};
  start();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::permanent);
  EXPECT_NE(exit_error().message.find("column h.secrets"), std::string::npos)
      << exit_error().message;
}

// A replay (rewind): the running deliverer finishes its attempt and stops, cursors are
// flushed, the rewind is applied under the partition's lease, and a new deliverer starts
// from the rewound cursor — also for a hook whose deliverer had passivated past it.
TEST_F(partition_actor_test, a_rewind_stops_the_deliverer_applies_under_the_lease_then_restarts) {
  config.passivate_after = 1s;
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}, {stream_seq{2}, 101, 0, "{}"}};
  start();
  http->answer_status(200);
  run();
  http->answer_status(200);
  run();
  advance(1s); // passivated at seq 2 (the durable cursor in the fake store stays 0)
  auto& stored = db->hooks[partition_4].front();
  stored.delivered_seq = stream_seq{2};
  stored.rewind_id = 5;
  stored.rewind_from = stream_seq{1};
  caf::anon_send(partition, hooks_changed_atom::value);
  run();
  ASSERT_EQ(db->rewinds.size(), 1u);
  EXPECT_EQ(db->rewinds[0].id, 5);
  EXPECT_EQ(db->rewinds[0].hook, hook_21);
  EXPECT_EQ(db->rewinds[0].partition, partition_4);
  EXPECT_EQ(db->rewinds[0].epoch, lease_epoch{9});
  // The reload after the rewind starts the hook from the rewound cursor.
  ASSERT_EQ(http->requests.size(), 3u);
  EXPECT_EQ(header(http->requests.back(), "courier-seq"), "1") << "from the rewound cursor";
  EXPECT_FALSE(stopped());
}

TEST_F(partition_actor_test, a_rewind_waits_for_the_attempt_in_flight) {
  db->events[hook_21] = {{stream_seq{1}, 100, 0, "{}"}};
  start();
  ASSERT_EQ(http->outstanding(), 1u);
  auto& stored = db->hooks[partition_4].front();
  stored.rewind_id = 6;
  stored.rewind_from = stream_seq{1};
  caf::anon_send(partition, hooks_changed_atom::value);
  run();
  EXPECT_TRUE(db->rewinds.empty()) << "applied while an attempt was still in flight";
  http->answer_status(200);
  run();
  ASSERT_EQ(db->rewinds.size(), 1u);
  EXPECT_FALSE(stopped());
}

TEST_F(partition_actor_test, a_fenced_rewind_drops_the_partition) {
  db->hooks[partition_4].front().last_seq = stream_seq{0};
  db->hooks[partition_4].front().rewind_id = 7;
  db->hooks[partition_4].front().rewind_from = stream_seq{1};
  db->rewind_result = error{errc::fenced, "not leased under epoch 9"};
  start();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::fenced);
}

} // namespace
} // namespace courier
