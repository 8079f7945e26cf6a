// The delivery actor against a fake store and a fake HTTP client, on CAF's
// deterministic test scheduler: ordering, headers, retries, 410, dead letters and the
// fence. No sleeping: timers fire only when a test calls fire_timer()/advance().
#include "actors/delivery_actor.hpp"

#include "actor_test_support.hpp"
#include "actors/exit_reason.hpp"
#include "net/signer.hpp"
#include "tests/support/signature.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace courier {
namespace {

using namespace std::chrono_literals;
using namespace atoms;
using namespace courier::testing;

constexpr hook_id hook_7{7};
constexpr partition_id partition_3{3};
constexpr lease_epoch epoch_11{11};

const std::string secret = "whsec_" + net::base64_encode("delivery-actor-test-key");

outbox_event event(std::int64_t seq) {
  return {stream_seq{seq}, 1000 + seq, 0,
          R"({"type":"test.event","data":{"seq":)" + std::to_string(seq) + "}}"};
}

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class delivery_actor_test : public actor_fixture {
protected:
  delivery_actor_test() {
    db = std::make_shared<fake_store>();
    http = std::make_shared<fake_http>();
    remember(db, http);
    clock = std::make_shared<lease_clock>();
    clock->confirm(lease_clock::clock::now(), 24h);
    fence = std::make_shared<partition_fence>();
    fence->clock = clock;
    config.retry_schedule = {1ms, 2ms};
    config.http_timeout = 1234ms;
    config.poison = config::poison_policy::block;
    hook.id = hook_7;
    hook.partition = partition_3;
    hook.url = "https://subscriber.test/hooks/7";
    hook.secrets = {secret};
    hook.state = hook_state::active;
    flusher_box = std::make_shared<inbox>();
    parent_box = std::make_shared<inbox>();
  }

  void add_events(std::int64_t first, std::int64_t last) {
    for (auto seq = first; seq <= last; ++seq)
      db->events[hook_7].push_back(event(seq));
  }

  std::shared_ptr<node_context> make_context() {
    auto ctx = std::make_shared<node_context>(node_context{
        config, db, http, clock, std::make_shared<telemetry>(), retry, "courier/test"});
    ctx->fetch_batch = fetch_batch;
    if (budget)
      ctx->budget = budget;
    return ctx;
  }

  // Spawns the delivery actor from a parent that records its down message.
  void start() {
    ctx = make_context();
    flusher = spawn_recorder(flusher_box);
    delivery_args args{ctx,
                       hook,
                       epoch_11,
                       fence,
                       flusher,
                       caf::actor_cast<delivery_actor_parent>(flusher),
                       caf::actor_cast<attempt_logger>(flusher)};
    deliverer = spawn_supervised<delivery_actor>(parent_box, [args](caf::local_actor* parent) {
      return spawn_delivery_actor(parent, args);
    });
    ASSERT_TRUE(deliverer);
  }

  bool stopped() const { return !parent_box->downs.empty(); }

  // The class and message of the error the actor exited with.
  error exit_error() const { return failure_of(parent_box->downs.front().reason); }

  const net::http_request& last_request() const { return http->requests.back(); }

  std::string last(const std::string& name) const { return header(last_request(), name); }

  std::vector<std::int64_t> advanced_seqs() const {
    std::vector<std::int64_t> out;
    for (const auto& u : flusher_box->advances)
      out.push_back(raw(u.seq));
    return out;
  }

  // Answers the outstanding request with `status` and runs the consequences.
  void answer(int status) {
    http->answer_status(status);
    run();
  }

  config::node_config config;
  retry_policy retry{{1ms, 2ms}};
  int fetch_batch = 256;
  std::shared_ptr<byte_budget> budget; // unset: the node default of `config`
  hook_spec hook;
  std::shared_ptr<fake_store> db;
  std::shared_ptr<fake_http> http;
  std::shared_ptr<lease_clock> clock;
  std::shared_ptr<partition_fence> fence;
  std::shared_ptr<node_context> ctx;
  std::shared_ptr<inbox> flusher_box;
  std::shared_ptr<inbox> parent_box;
  recorder flusher;
  delivery_actor deliverer;
};

// -- (a) order, one at a time, headers --------------------------------------------------

TEST_F(delivery_actor_test, fetches_from_the_durable_cursor) {
  hook.delivered_seq = stream_seq{2};
  add_events(1, 4);
  start();
  ASSERT_FALSE(db->fetches.empty());
  EXPECT_EQ(db->fetches.front().hook, hook_7);
  EXPECT_EQ(db->fetches.front().after, stream_seq{2});
  EXPECT_EQ(db->fetches.front().limit, 256);
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(last("courier-seq"), "3");
}

TEST_F(delivery_actor_test, sends_in_seq_order_one_at_a_time) {
  add_events(1, 5);
  start();
  for (std::int64_t seq = 1; seq <= 5; ++seq) {
    ASSERT_EQ(http->requests.size(), static_cast<std::size_t>(seq));
    EXPECT_EQ(http->outstanding(), 1u);
    EXPECT_EQ(last("courier-seq"), std::to_string(seq));
    EXPECT_EQ(last_request().body, event(seq).body);
    answer(200);
  }
  EXPECT_EQ(http->requests.size(), 5u);
  EXPECT_EQ(http->outstanding(), 0u);
  EXPECT_EQ(http->max_outstanding, 1u);
  EXPECT_FALSE(stopped());
}

TEST_F(delivery_actor_test, nothing_more_goes_out_while_a_request_is_unanswered) {
  add_events(1, 3);
  start();
  ASSERT_EQ(http->requests.size(), 1u);
  // Wake-ups and stray timers must not cause a second request.
  caf::anon_send(deliverer, wake_atom::value);
  run();
  while (fire_timer()) {
  }
  EXPECT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(http->max_outstanding, 1u);
}

TEST_F(delivery_actor_test, request_carries_the_standard_webhooks_headers) {
  add_events(1, 1);
  auto before = unix_seconds();
  start();
  auto after = unix_seconds();
  ASSERT_EQ(http->requests.size(), 1u);
  const auto& req = last_request();
  EXPECT_EQ(req.url, "https://subscriber.test/hooks/7");
  EXPECT_EQ(req.timeout, 1234ms);
  EXPECT_EQ(req.flow, "7"); // the HTTP client shares its slots fairly across hooks
  EXPECT_EQ(req.body, event(1).body);
  ASSERT_TRUE(static_cast<bool>(req.may_send));
  EXPECT_TRUE(req.may_send());

  EXPECT_EQ(header(req, "content-type"), "application/json");
  EXPECT_EQ(header(req, "user-agent"), "courier/test");
  EXPECT_EQ(header(req, "courier-seq"), "1");
  EXPECT_EQ(header(req, "courier-attempt"), "1");
  auto id = header(req, "webhook-id");
  EXPECT_EQ(id, "msg_1001_7");
  auto ts = std::stoll(header(req, "webhook-timestamp"));
  EXPECT_GE(ts, before);
  EXPECT_LE(ts, after);
  auto sig = header(req, "webhook-signature");
  EXPECT_EQ(sig.rfind("v1,", 0), 0u) << sig;
  EXPECT_TRUE(
      courier::test::signature_matches(sig, secret, id, header(req, "webhook-timestamp"), req.body))
      << sig;
  // Each header exactly once.
  for (const char* name : {"content-type", "webhook-id", "webhook-timestamp", "webhook-signature",
                           "courier-seq", "courier-attempt", "user-agent"})
    EXPECT_EQ(std::count_if(req.headers.begin(), req.headers.end(),
                            [&](const auto& h) { return h.first == name; }),
              1)
        << name;
}

TEST_F(delivery_actor_test, signs_with_every_secret_during_rotation) {
  auto older = "whsec_" + net::base64_encode("the-previous-key");
  hook.secrets = {secret, older};
  add_events(1, 1);
  start();
  ASSERT_EQ(http->requests.size(), 1u);
  auto sig = last("webhook-signature");
  auto id = last("webhook-id");
  auto ts = last("webhook-timestamp");
  EXPECT_TRUE(courier::test::signature_matches(sig, secret, id, ts, last_request().body)) << sig;
  EXPECT_TRUE(courier::test::signature_matches(sig, older, id, ts, last_request().body)) << sig;
}

TEST_F(delivery_actor_test, webhook_id_differs_between_events) {
  add_events(1, 2);
  start();
  auto first = last("webhook-id");
  answer(204);
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_EQ(first, "msg_1001_7");
  EXPECT_EQ(last("webhook-id"), "msg_1002_7");
}

TEST_F(delivery_actor_test, pages_through_the_stream_in_small_batches) {
  fetch_batch = 2;
  add_events(1, 7);
  start();
  for (std::int64_t seq = 1; seq <= 7; ++seq) {
    ASSERT_EQ(http->requests.size(), static_cast<std::size_t>(seq));
    EXPECT_EQ(last("courier-seq"), std::to_string(seq));
    answer(200);
  }
  EXPECT_EQ(advanced_seqs(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7}));
  // Every fetch continued where the previous one ended.
  for (std::size_t i = 1; i < db->fetches.size(); ++i)
    EXPECT_GE(db->fetches[i].after, db->fetches[i - 1].after);
  EXPECT_EQ(http->max_outstanding, 1u);
}

TEST_F(delivery_actor_test, a_wake_up_fetches_new_events) {
  add_events(1, 1);
  start();
  answer(200);
  EXPECT_EQ(http->requests.size(), 1u);
  add_events(2, 3);
  caf::anon_send(deliverer, wake_atom::value);
  run();
  EXPECT_EQ(db->fetches.back().after, stream_seq{1});
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_EQ(last("courier-seq"), "2");
  answer(200);
  EXPECT_EQ(last("courier-seq"), "3");
}

// A hung request must not turn every backlog scan into a fetch: the wake-up is noted and
// the next send fetches.
TEST_F(delivery_actor_test, a_wake_up_while_a_request_is_out_fetches_after_it_returns) {
  add_events(1, 1);
  start();
  const auto fetches = db->fetches.size();
  add_events(2, 2);
  for (int i = 0; i < 3; ++i)
    caf::anon_send(deliverer, wake_atom::value);
  run();
  EXPECT_EQ(db->fetches.size(), fetches) << "fetched while the request was out";
  answer(200);
  EXPECT_EQ(db->fetches.size(), fetches + 1);
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_EQ(last("courier-seq"), "2");
}

TEST_F(delivery_actor_test, idle_actor_does_not_poll_the_store) {
  add_events(1, 1);
  start();
  answer(200);
  auto fetches = db->fetches.size();
  run();
  EXPECT_EQ(db->fetches.size(), fetches);
}

// -- passivation ---------------------------------------------------------------------

TEST_F(delivery_actor_test, an_idle_actor_passivates_after_the_idle_period_saying_where_it_is) {
  config.passivate_after = 5s;
  add_events(1, 2);
  start();
  answer(200);
  answer(200);
  advance(4s);
  EXPECT_FALSE(stopped());
  EXPECT_TRUE(flusher_box->passivations.empty());
  advance(1s);
  ASSERT_EQ(flusher_box->passivations.size(), 1u);
  EXPECT_EQ(flusher_box->passivations.front().hook, hook_7);
  EXPECT_EQ(flusher_box->passivations.front().delivered, stream_seq{2});
  EXPECT_EQ(flusher_box->passivations.front().wakes_seen, 0u);
  ASSERT_TRUE(stopped());
  EXPECT_FALSE(parent_box->downs.front().reason) << "a passivation is a normal exit";
}

TEST_F(delivery_actor_test, a_wake_within_the_idle_period_keeps_it_running) {
  config.passivate_after = 5s;
  add_events(1, 1);
  start();
  answer(200);
  advance(3s);
  add_events(2, 2);
  caf::anon_send(deliverer, wake_atom::value);
  run();
  answer(200);
  advance(3s); // 6 s after the first idle moment, 3 s after the last: still running
  EXPECT_FALSE(stopped());
  advance(2s);
  ASSERT_EQ(flusher_box->passivations.size(), 1u);
  EXPECT_EQ(flusher_box->passivations.front().delivered, stream_seq{2});
  EXPECT_EQ(flusher_box->passivations.front().wakes_seen, 1u);
}

TEST_F(delivery_actor_test, a_failing_head_never_passivates_and_wakes_fetch_nothing) {
  config.passivate_after = 1ms;
  add_events(1, 1);
  start();
  answer(503);
  auto fetches = db->fetches.size();
  caf::anon_send(deliverer, wake_atom::value); // the backlog scan, while the head waits
  run();
  EXPECT_EQ(db->fetches.size(), fetches);
  fire_timer(); // the retry
  answer(503);
  advance(1s);
  EXPECT_FALSE(stopped());
  EXPECT_TRUE(flusher_box->passivations.empty());
}

TEST_F(delivery_actor_test, spec_update_changes_url_and_secret_of_later_requests) {
  add_events(1, 2);
  start();
  auto newer = "whsec_" + net::base64_encode("a-rotated-key");
  hook_spec changed = hook;
  changed.url = "https://subscriber.test/v2";
  changed.secrets = {newer};
  caf::anon_send(deliverer, hook_spec_atom::value, changed);
  run();
  answer(200);
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_EQ(last_request().url, "https://subscriber.test/v2");
  EXPECT_TRUE(courier::test::signature_matches(last("webhook-signature"), newer, last("webhook-id"),
                                               last("webhook-timestamp"), last_request().body));
}

// -- (b) progress goes to the flusher ------------------------------------------------

TEST_F(delivery_actor_test, success_reports_advance_to_the_flusher) {
  add_events(1, 3);
  start();
  EXPECT_TRUE(flusher_box->advances.empty()); // nothing before the first answer
  answer(200);
  ASSERT_EQ(flusher_box->advances.size(), 1u);
  const auto& u = flusher_box->advances.front();
  EXPECT_EQ(u.hook, hook_7);
  EXPECT_EQ(u.partition, partition_3);
  EXPECT_EQ(u.epoch, epoch_11);
  EXPECT_EQ(u.seq, stream_seq{1});
  answer(201);
  answer(299);
  EXPECT_EQ(advanced_seqs(), (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(delivery_actor_test, non_2xx_statuses_do_not_advance) {
  add_events(1, 1);
  start();
  for (int status : {199, 300, 302, 400, 404, 429, 500, 503}) {
    answer(status);
    EXPECT_TRUE(flusher_box->advances.empty()) << status;
    ASSERT_TRUE(fire_timer()) << status;
    EXPECT_EQ(last("courier-seq"), "1") << status;
  }
}

// -- (c) retries --------------------------------------------------------------------

TEST_F(delivery_actor_test, failure_retries_the_same_event_with_the_next_attempt_number) {
  add_events(1, 2);
  start();
  auto id = last("webhook-id");
  answer(500);
  // The retry waits for its timer: no new request, no progress.
  EXPECT_EQ(http->requests.size(), 1u);
  EXPECT_TRUE(flusher_box->advances.empty());
  ASSERT_TRUE(fire_timer());
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-attempt"), "2");
  EXPECT_EQ(last("webhook-id"), id);
  EXPECT_EQ(last_request().body, event(1).body);
  answer(200);
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{1});
  ASSERT_EQ(http->requests.size(), 3u);
  EXPECT_EQ(last("courier-seq"), "2");
  EXPECT_EQ(last("courier-attempt"), "1"); // the count restarts for the next event
}

TEST_F(delivery_actor_test, every_attempt_that_went_out_is_told_to_the_attempt_log) {
  config.attempt_body_bytes = 4;
  add_events(1, 1);
  start();
  http->answer_status(503, std::nullopt, "busy, try later");
  run();
  ASSERT_TRUE(fire_timer());
  http->answer_failure(net::http_failure::fenced, "may_send said no"); // not an attempt
  run();
  ASSERT_TRUE(fire_timer());
  http->answer_failure(net::http_failure::timeout, "no answer in 15000 ms");
  run();
  ASSERT_TRUE(fire_timer());
  answer(200);
  const auto& logged = flusher_box->attempts;
  ASSERT_EQ(logged.size(), 3u);
  EXPECT_EQ(logged[0].outcome, "failed");
  EXPECT_EQ(logged[0].http_status, 503);
  EXPECT_EQ(logged[0].response_excerpt, "busy"); // attempt_body_bytes
  EXPECT_EQ(logged[1].outcome, "timeout");
  EXPECT_EQ(logged[1].http_status, 0);
  EXPECT_EQ(logged[2].outcome, "delivered");
  for (std::size_t i = 0; i < logged.size(); ++i) {
    EXPECT_EQ(logged[i].attempt, static_cast<int>(i + 1));
    EXPECT_EQ(raw(logged[i].seq), 1);
    EXPECT_EQ(logged[i].hook, hook.id);
    EXPECT_EQ(logged[i].event_id, event(1).event_id);
    EXPECT_EQ(logged[i].epoch, epoch_11);
    EXPECT_GT(logged[i].started_at_ms, 0);
  }
}

TEST_F(delivery_actor_test, a_busy_deliverer_tells_the_attempt_log_in_batches_and_the_rest_idle) {
  add_events(1, 100);
  start();
  for (int i = 0; i < 70; ++i)
    answer(200);
  // 70 attempts, each answered while the next event was waiting: one message of 64.
  EXPECT_EQ(flusher_box->attempt_messages, std::vector<std::size_t>{64});
  for (int i = 70; i < 100; ++i)
    answer(200);
  // The last answer left nothing out: the 36 that gathered were told at once.
  EXPECT_EQ(flusher_box->attempt_messages, (std::vector<std::size_t>{64, 36}));
  ASSERT_EQ(flusher_box->attempts.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i)
    EXPECT_EQ(raw(flusher_box->attempts[i].seq), static_cast<std::int64_t>(i + 1));
}

TEST_F(delivery_actor_test, attempts_not_yet_told_go_to_the_log_when_the_deliverer_ends) {
  add_events(1, 10);
  start();
  for (int i = 0; i < 5; ++i)
    answer(200);
  EXPECT_TRUE(flusher_box->attempts.empty()) << "told before 64 while busy";
  caf::anon_send_exit(deliverer, caf::exit_reason::kill);
  run();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(flusher_box->attempts.size(), 5u);
}

TEST_F(delivery_actor_test, batches_send_consecutive_ranges_and_ack_them_whole) {
  hook.options.batch_max = 3;
  add_events(1, 7);
  start();
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-seq-last"), "3");
  EXPECT_EQ(last("webhook-id"), "msg_batch_7_1_3");
  answer(200);
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{3}); // one advance for the range
  EXPECT_EQ(last("courier-seq"), "4");
  EXPECT_EQ(last("courier-seq-last"), "6");
  answer(200);
  EXPECT_EQ(last("courier-seq"), "7");
  EXPECT_EQ(last("courier-seq-last"), "7");
  answer(200);
  EXPECT_EQ(advanced_seqs(), (std::vector<std::int64_t>{3, 6, 7}));
}

TEST_F(delivery_actor_test, a_failed_batch_is_retried_as_the_same_range) {
  hook.options.batch_max = 3;
  add_events(1, 2);
  start();
  EXPECT_EQ(last("courier-seq-last"), "2");
  auto id = last("webhook-id");
  db->events[hook_7].push_back(event(3)); // more arrive while the range is out
  caf::anon_send(deliverer, wake_atom::value);
  run();
  answer(503);
  ASSERT_TRUE(fire_timer());
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-seq-last"), "2") << "the retry keeps its range";
  EXPECT_EQ(last("webhook-id"), id);
  EXPECT_EQ(last("courier-attempt"), "2");
  answer(200);
  EXPECT_EQ(last("courier-seq"), "3");
}

TEST_F(delivery_actor_test, a_batch_is_cut_at_batch_max_bytes_but_takes_its_first_event) {
  hook.options.batch_max = 10;
  hook.options.batch_max_bytes = 100;
  for (std::int64_t seq = 1; seq <= 3; ++seq) {
    auto ev = event(seq);
    ev.payload_bytes = 60;
    db->events[hook_7].push_back(ev);
  }
  start();
  EXPECT_EQ(last("courier-seq-last"), "1"); // 60 + 60 > 100
}

TEST_F(delivery_actor_test, a_condemned_batch_is_parked_event_by_event) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 1;
  hook.options.batch_max = 3;
  add_events(1, 4);
  start();
  answer(500);
  ASSERT_EQ(db->parked.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(raw(db->parked[i].at.seq), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(db->parked[i].attempts, 1);
  }
  EXPECT_EQ(last("courier-seq"), "4"); // the next range starts after the parked ones
  EXPECT_EQ(last("courier-seq-last"), "4");
}

TEST_F(delivery_actor_test, a_head_failing_past_pause_after_pauses_the_hook_then_stops) {
  hook.options.pause_after = 5s;
  hook.head_attempts = 3;
  hook.head_failing_since_ms = unix_seconds() * 1000 - 10000; // failing for 10 s already
  db->hold_pauses = true;
  add_events(1, 2);
  start();
  answer(500);
  ASSERT_EQ(db->paused.size(), 1u);
  EXPECT_EQ(raw(db->paused[0].first.seq), 1);
  EXPECT_NE(db->paused[0].second.find("pause_after 5s"), std::string::npos) << db->paused[0].second;
  EXPECT_FALSE(stopped()) << "it must not exit before the pause is durable";
  EXPECT_FALSE(fire_timer()) << "no retry is scheduled";
  EXPECT_EQ(http->requests.size(), 1u);
  fake_store::release(db->held_pauses);
  run();
  ASSERT_TRUE(stopped());
  EXPECT_FALSE(parent_box->downs.front().reason);
}

TEST_F(delivery_actor_test, unordered_keeps_up_to_its_window_in_flight_and_moves_the_prefix) {
  hook.options.unordered = true;
  hook.options.max_in_flight_per_hook = 3;
  add_events(1, 5);
  start();
  ASSERT_EQ(http->requests.size(), 3u) << "three at once";
  EXPECT_EQ(http->outstanding(), 3u);
  // The answers come back out of order; the cursor waits for seq 1.
  http->answer_nth(1, 200); // seq 2
  run();
  EXPECT_TRUE(flusher_box->advances.empty());
  ASSERT_EQ(http->requests.size(), 4u);
  EXPECT_EQ(header(http->requests.back(), "courier-seq"), "4");
  http->answer_nth(0, 200); // seq 1
  run();
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{2});
}

TEST_F(delivery_actor_test, unordered_retries_each_event_on_its_own) {
  hook.options.unordered = true;
  hook.options.max_in_flight_per_hook = 2;
  add_events(1, 3);
  start();
  http->answer_nth(0, 503); // seq 1 fails
  run();
  ASSERT_EQ(http->requests.size(), 3u) << "seq 3 goes out while seq 1 waits";
  EXPECT_EQ(header(http->requests.back(), "courier-seq"), "3");
  http->answer_nth(0, 200); // seq 2
  http->answer_nth(0, 200); // seq 3
  run();
  EXPECT_TRUE(flusher_box->advances.empty()) << "seq 1 is not delivered yet";
  ASSERT_TRUE(fire_timer());
  ASSERT_EQ(http->requests.size(), 4u);
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-attempt"), "2");
  answer(200);
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{3});
}

TEST_F(delivery_actor_test, unordered_parks_without_moving_the_cursor_past_unfinished_events) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 1;
  hook.options.unordered = true;
  hook.options.max_in_flight_per_hook = 3;
  add_events(1, 3);
  start();
  http->answer_nth(1, 500); // seq 2: condemned at once
  run();
  ASSERT_EQ(db->parked.size(), 1u);
  EXPECT_EQ(raw(db->parked[0].at.seq), 2);
  EXPECT_FALSE(db->parked[0].move_cursor);
  EXPECT_TRUE(flusher_box->advances.empty());
  http->answer_nth(0, 200); // seq 1
  http->answer_nth(0, 200); // seq 3
  run();
  EXPECT_EQ(advanced_seqs().back(), 3);
}

TEST_F(delivery_actor_test, transport_failures_are_attempts_too) {
  add_events(1, 1);
  start();
  for (auto f : {net::http_failure::timeout, net::http_failure::connect, net::http_failure::tls,
                 net::http_failure::resolve, net::http_failure::protocol}) {
    http->answer_failure(f);
    run();
    ASSERT_TRUE(fire_timer());
  }
  EXPECT_EQ(last("courier-attempt"), "6");
}

TEST_F(delivery_actor_test, attempt_count_resumes_from_the_hook_spec) {
  hook.head_attempts = 4;
  add_events(1, 1);
  start();
  EXPECT_EQ(last("courier-attempt"), "5");
  answer(500);
  fire_timer();
  EXPECT_EQ(last("courier-attempt"), "6");
}

TEST_F(delivery_actor_test, retry_delay_follows_the_schedule_with_jitter) {
  retry = retry_policy{{100ms, 1000ms}};
  add_events(1, 1);
  start();
  answer(500);
  advance(79ms); // below 0.8 x 100 ms
  EXPECT_EQ(http->requests.size(), 1u);
  advance(42ms); // 121 ms: past 1.2 x 100 ms
  ASSERT_EQ(http->requests.size(), 2u);
  answer(500);
  advance(799ms); // second step: 1 s +- 20%
  EXPECT_EQ(http->requests.size(), 2u);
  advance(402ms);
  EXPECT_EQ(http->requests.size(), 3u);
}

TEST_F(delivery_actor_test, retry_after_is_honoured_up_to_the_last_step) {
  retry = retry_policy{{100ms, 5000ms}};
  add_events(1, 1);
  start();
  http->answer_status(503, std::string{"2"});
  run();
  advance(1999ms);
  EXPECT_EQ(http->requests.size(), 1u);
  advance(1ms);
  ASSERT_EQ(http->requests.size(), 2u);
  // A wish beyond the cap waits only the cap.
  http->answer_status(429, std::string{"3600"});
  run();
  advance(4999ms);
  EXPECT_EQ(http->requests.size(), 2u);
  advance(1ms);
  EXPECT_EQ(http->requests.size(), 3u);
}

TEST_F(delivery_actor_test, failures_are_recorded_on_power_of_two_attempts) {
  add_events(1, 1);
  start();
  for (int i = 0; i < 9; ++i) {
    http->answer_status(500, std::nullopt, "boom");
    run();
    fire_timer();
  }
  std::vector<int> attempts;
  for (const auto& f : db->failures)
    attempts.push_back(f.attempts);
  EXPECT_EQ(attempts, (std::vector<int>{1, 2, 4, 8}));
  ASSERT_FALSE(db->failures.empty());
  const auto& first = db->failures.front();
  EXPECT_EQ(first.at.hook, hook_7);
  EXPECT_EQ(first.at.partition, partition_3);
  EXPECT_EQ(first.at.epoch, epoch_11);
  EXPECT_EQ(first.at.seq, stream_seq{1});
  EXPECT_EQ(first.error, "HTTP 500: boom");
}

TEST_F(delivery_actor_test, block_policy_never_parks) {
  config.max_attempts = 2;
  add_events(1, 2);
  start();
  for (int i = 0; i < 5; ++i) {
    answer(500);
    fire_timer();
  }
  EXPECT_TRUE(db->parked.empty());
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-attempt"), "6");
}

// -- (d) 410 Gone -------------------------------------------------------------------

TEST_F(delivery_actor_test, gone_disables_the_hook_then_stops) {
  db->hold_disables = true;
  add_events(1, 3);
  start();
  answer(410);
  ASSERT_EQ(db->disabled.size(), 1u);
  EXPECT_EQ(db->disabled.front().first, hook_7);
  // Not before the hook is durably disabled.
  EXPECT_FALSE(stopped());
  EXPECT_EQ(http->requests.size(), 1u);
  fake_store::release(db->held_disables);
  run();
  ASSERT_TRUE(stopped());
  EXPECT_FALSE(parent_box->downs.front().reason)
      << caf::to_string(parent_box->downs.front().reason);
  EXPECT_EQ(http->requests.size(), 1u);
  EXPECT_TRUE(flusher_box->advances.empty());
  while (fire_timer()) {
  }
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, gone_with_a_failed_disable_exits_with_that_error) {
  db->disable_result = error{errc::retryable, "connection lost"};
  add_events(1, 3);
  start();
  answer(410);
  ASSERT_EQ(db->disabled.size(), 1u);
  ASSERT_TRUE(stopped());
  // Not a normal exit: the partition actor must not restart us before its backoff.
  EXPECT_EQ(exit_error().code, errc::retryable);
  EXPECT_NE(exit_error().message.find("connection lost"), std::string::npos)
      << exit_error().message;
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, gone_sends_nothing_more_even_when_woken) {
  db->hold_disables = true;
  add_events(1, 3);
  start();
  answer(410);
  caf::anon_send(deliverer, wake_atom::value);
  run();
  EXPECT_EQ(http->requests.size(), 1u);
  fake_store::release(db->held_disables);
  run();
  EXPECT_TRUE(stopped());
  EXPECT_EQ(http->requests.size(), 1u);
}

// -- (e) dead letters -----------------------------------------------------------------

TEST_F(delivery_actor_test, dead_letter_parks_after_max_attempts_and_moves_on) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 3;
  db->hold_parks = true;
  add_events(1, 2);
  start();
  answer(500);
  ASSERT_TRUE(fire_timer());
  http->answer_failure(net::http_failure::timeout, "no answer in time");
  run();
  ASSERT_TRUE(fire_timer());
  EXPECT_TRUE(db->parked.empty());
  EXPECT_EQ(last("courier-attempt"), "3");
  http->answer_status(503, std::nullopt, "down for maintenance");
  run();
  ASSERT_EQ(db->parked.size(), 1u);
  const auto& req = db->parked.front();
  EXPECT_EQ(req.at.hook, hook_7);
  EXPECT_EQ(req.at.partition, partition_3);
  EXPECT_EQ(req.at.epoch, epoch_11);
  EXPECT_EQ(req.at.seq, stream_seq{1});
  EXPECT_EQ(req.attempts, 3);
  EXPECT_EQ(req.error, "HTTP 503: down for maintenance");
  // Nothing goes out until the park is durable, not even on a timer.
  EXPECT_EQ(http->requests.size(), 3u);
  while (fire_timer()) {
  }
  EXPECT_EQ(http->requests.size(), 3u);
  fake_store::release(db->held_parks);
  run();
  ASSERT_EQ(http->requests.size(), 4u);
  EXPECT_EQ(last("courier-seq"), "2");
  EXPECT_EQ(last("courier-attempt"), "1");
  // The park itself moved the cursor; the flusher is not told about seq 1.
  EXPECT_TRUE(flusher_box->advances.empty());
  answer(200);
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{2});
  EXPECT_EQ(db->parked.size(), 1u);
}

TEST_F(delivery_actor_test, dead_letter_counts_attempts_made_before_a_restart) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 3;
  hook.head_attempts = 2;
  add_events(1, 2);
  start();
  answer(500);
  ASSERT_EQ(db->parked.size(), 1u);
  EXPECT_EQ(db->parked.front().attempts, 3);
  EXPECT_EQ(last("courier-seq"), "2");
}

TEST_F(delivery_actor_test, fenced_park_exits_as_fenced) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 1;
  db->park_result = error{errc::fenced, "partition moved on"};
  add_events(1, 2);
  start();
  answer(500);
  ASSERT_EQ(db->parked.size(), 1u);
  ASSERT_TRUE(stopped());
  // The partition actor reads the class and drops the partition.
  EXPECT_EQ(exit_error().code, errc::fenced) << exit_error().message;
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, failed_park_exits_with_its_error) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 1;
  db->park_result = error{errc::retryable, "connection lost"};
  add_events(1, 2);
  start();
  answer(500);
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::retryable);
  EXPECT_NE(exit_error().message.find("connection lost"), std::string::npos)
      << exit_error().message;
  EXPECT_EQ(http->requests.size(), 1u);
}

// -- (f) the fence ---------------------------------------------------------------------

TEST_F(delivery_actor_test, closed_fence_holds_everything_until_confirmed) {
  clock->invalidate();
  add_events(1, 2);
  start();
  EXPECT_FALSE(db->fetches.empty()); // it did read the stream
  EXPECT_TRUE(http->requests.empty());
  // It keeps checking, but sends nothing while the fence stays closed.
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(fire_timer());
    EXPECT_TRUE(http->requests.empty());
  }
  clock->confirm(lease_clock::clock::now(), 24h);
  ASSERT_TRUE(fire_timer());
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-attempt"), "1");
}

TEST_F(delivery_actor_test, expired_lease_closes_the_fence) {
  clock->confirm(lease_clock::clock::now() - 10s, 5s); // confirmed, but long ago
  add_events(1, 1);
  start();
  fire_timer();
  EXPECT_TRUE(http->requests.empty());
  clock->confirm(lease_clock::clock::now(), 24h);
  fire_timer();
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, revoked_partition_holds_everything) {
  fence->revoked = true;
  add_events(1, 1);
  start();
  for (int i = 0; i < 3; ++i)
    fire_timer();
  EXPECT_TRUE(http->requests.empty());
  fence->revoked = false;
  fire_timer();
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, fence_closing_mid_request_refuses_it_and_holds_the_event) {
  add_events(1, 2);
  start();
  clock->invalidate();
  answer(200); // the fake, like the real client, checks may_send() before writing
  // The request was refused at the last moment, so seq 1 is not delivered.
  EXPECT_EQ(http->sent(), 0);
  EXPECT_TRUE(flusher_box->advances.empty());
  fire_timer();
  EXPECT_EQ(http->requests.size(), 1u);
  clock->confirm(lease_clock::clock::now(), 24h);
  fire_timer();
  ASSERT_EQ(http->requests.size(), 2u);
  EXPECT_EQ(last("courier-seq"), "1");
  EXPECT_EQ(last("courier-attempt"), "1");
}

TEST_F(delivery_actor_test, may_send_follows_the_fence) {
  add_events(1, 1);
  start();
  ASSERT_EQ(http->requests.size(), 1u);
  auto may_send = last_request().may_send;
  EXPECT_TRUE(may_send());
  clock->invalidate();
  EXPECT_FALSE(may_send());
  clock->confirm(lease_clock::clock::now(), 24h);
  EXPECT_TRUE(may_send());
  fence->revoked = true;
  EXPECT_FALSE(may_send());
}

// -- (g) store failures ------------------------------------------------------------------

TEST_F(delivery_actor_test, fetch_error_exits_with_its_class) {
  db->fetch_error = error{errc::retryable, "connection refused"};
  add_events(1, 1);
  start();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::retryable);
  EXPECT_NE(exit_error().message.find("connection refused"), std::string::npos)
      << exit_error().message;
  EXPECT_TRUE(http->requests.empty());
}

TEST_F(delivery_actor_test, a_later_fetch_error_also_exits) {
  add_events(1, 1);
  start();
  answer(200);
  ASSERT_FALSE(stopped());
  db->fetch_error = error{errc::permanent, "relation does not exist"};
  caf::anon_send(deliverer, wake_atom::value); // the next fetch fails
  run();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::permanent);
}

TEST_F(delivery_actor_test, hook_without_a_usable_secret_fails_as_permanent) {
  hook.secrets = {"whsec_!!!not-base64!!!"};
  add_events(1, 1);
  start();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(exit_error().code, errc::permanent) << exit_error().message;
  EXPECT_TRUE(http->requests.empty());
}

// -- (h) fenced and shutdown results are not attempts -----------------------------------

TEST_F(delivery_actor_test, fenced_result_is_not_an_attempt) {
  config.poison = config::poison_policy::dead_letter;
  config.max_attempts = 1; // a counted attempt would park at once
  add_events(1, 2);
  start();
  auto id = last("webhook-id");
  for (int i = 0; i < 3; ++i) {
    http->answer_failure(net::http_failure::fenced, "may_send said no");
    run();
    EXPECT_EQ(http->requests.size(), static_cast<std::size_t>(i + 1)); // waits for a timer
    ASSERT_TRUE(fire_timer());
    EXPECT_EQ(last("courier-seq"), "1");
    EXPECT_EQ(last("courier-attempt"), "1");
    EXPECT_EQ(last("webhook-id"), id);
  }
  EXPECT_TRUE(db->parked.empty());
  EXPECT_TRUE(db->failures.empty());
  EXPECT_TRUE(flusher_box->advances.empty());
  answer(200);
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{1});
}

TEST_F(delivery_actor_test, shutdown_result_is_not_an_attempt) {
  add_events(1, 1);
  start();
  http->answer_failure(net::http_failure::shutdown, "client stopping");
  run();
  ASSERT_TRUE(fire_timer());
  EXPECT_EQ(last("courier-attempt"), "1");
  EXPECT_TRUE(db->failures.empty());
}

TEST_F(delivery_actor_test, fenced_retry_waits_about_a_hundred_milliseconds) {
  add_events(1, 1);
  start();
  http->answer_failure(net::http_failure::fenced);
  run();
  advance(99ms);
  EXPECT_EQ(http->requests.size(), 1u);
  advance(1ms);
  EXPECT_EQ(http->requests.size(), 2u);
}

// -- stopping ---------------------------------------------------------------------------

TEST_F(delivery_actor_test, stop_when_idle_exits_at_once) {
  add_events(1, 1);
  start();
  answer(200);
  caf::anon_send(deliverer, stop_atom::value);
  run();
  ASSERT_TRUE(stopped());
  EXPECT_FALSE(parent_box->downs.front().reason);
}

TEST_F(delivery_actor_test, stop_waits_for_the_request_in_flight) {
  add_events(1, 3);
  start();
  caf::anon_send(deliverer, stop_atom::value);
  run();
  EXPECT_FALSE(stopped());
  answer(200);
  ASSERT_TRUE(stopped());
  EXPECT_FALSE(parent_box->downs.front().reason);
  // Its last success still reaches the flusher; nothing further is sent.
  EXPECT_EQ(advanced_seqs(), std::vector<std::int64_t>{1});
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, stop_during_a_retry_wait_exits_without_retrying) {
  add_events(1, 1);
  start();
  answer(500);
  caf::anon_send(deliverer, stop_atom::value);
  run();
  ASSERT_TRUE(stopped());
  while (fire_timer()) {
  }
  EXPECT_EQ(http->requests.size(), 1u);
}

TEST_F(delivery_actor_test, stop_with_a_fenced_request_in_flight_exits) {
  add_events(1, 1);
  start();
  caf::anon_send(deliverer, stop_atom::value);
  run();
  http->answer_failure(net::http_failure::fenced);
  run();
  ASSERT_TRUE(stopped());
  EXPECT_EQ(http->requests.size(), 1u);
}

// -- byte budget -------------------------------------------------------------------------

// An event whose payload (and body) is `bytes` long.
outbox_event sized_event(std::int64_t seq, std::size_t bytes) {
  auto ev = event(seq);
  ev.body.resize(bytes, ' ');
  ev.payload_bytes = static_cast<std::int64_t>(bytes);
  return ev;
}

TEST_F(delivery_actor_test, prefetch_stops_at_the_hooks_byte_share) {
  config.max_prefetch_bytes_per_hook = 1 << 20;
  for (std::int64_t seq = 1; seq <= 6; ++seq)
    db->events[hook_7].push_back(sized_event(seq, 400 << 10));
  budget = std::make_shared<byte_budget>(64 << 20);
  start();
  ASSERT_EQ(db->fetches.size(), 1u);
  EXPECT_EQ(db->fetches.front().max_bytes, 1 << 20);
  // 0, 400 and 800 KiB start below the cut: three events held, no second fetch yet.
  EXPECT_EQ(budget->used(), 3 * (400 << 10));
  for (std::int64_t seq = 1; seq <= 6; ++seq) {
    EXPECT_LE(budget->used(), 3 * (400 << 10)) << "before seq " << seq;
    ASSERT_EQ(last("courier-seq"), std::to_string(seq));
    answer(200);
  }
  EXPECT_EQ(advanced_seqs(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(budget->used(), 0);
}

TEST_F(delivery_actor_test, an_event_larger_than_the_whole_budget_still_goes_out) {
  config.max_buffered_bytes = 1 << 20;
  config.max_prefetch_bytes_per_hook = 1 << 20;
  db->events[hook_7].push_back(sized_event(1, 3 << 20));
  db->events[hook_7].push_back(sized_event(2, 100));
  budget = std::make_shared<byte_budget>(1 << 20);
  start();
  ASSERT_EQ(http->requests.size(), 1u);
  EXPECT_EQ(budget->used(), 3 << 20) << "charged in full, alone";
  answer(200);
  ASSERT_EQ(last("courier-seq"), "2");
  answer(200);
  EXPECT_EQ(advanced_seqs(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(budget->used(), 0);
}

TEST_F(delivery_actor_test, a_hook_refused_by_the_budget_waits_on_a_timer_then_fetches) {
  add_events(1, 2);
  budget = std::make_shared<byte_budget>(1 << 20);
  ASSERT_EQ(budget->take_up_to(1 << 20, 1), 1 << 20); // other hooks hold it all
  start();
  EXPECT_TRUE(db->fetches.empty());
  ASSERT_TRUE(has_timer()) << "waits on a timer, not in a loop of messages";
  ASSERT_TRUE(fire_timer());
  EXPECT_TRUE(db->fetches.empty()) << "still spent";
  budget->give_back(1 << 20);
  while (db->fetches.empty() && fire_timer()) {
  }
  ASSERT_EQ(db->fetches.size(), 1u);
  ASSERT_EQ(http->requests.size(), 1u);
  answer(200);
  answer(200);
  EXPECT_EQ(advanced_seqs(), (std::vector<std::int64_t>{1, 2}));
}

TEST_F(delivery_actor_test, an_actor_that_fails_gives_its_bytes_back) {
  hook.secrets = {"whsec_!!!not-base64!!!"};
  for (std::int64_t seq = 1; seq <= 3; ++seq)
    db->events[hook_7].push_back(sized_event(seq, 1000));
  budget = std::make_shared<byte_budget>(1 << 20);
  start();
  ASSERT_TRUE(stopped());
  ctx.reset();
  EXPECT_EQ(budget->used(), 0);
}

TEST_F(delivery_actor_test, a_stopped_actor_gives_its_bytes_back) {
  for (std::int64_t seq = 1; seq <= 3; ++seq)
    db->events[hook_7].push_back(sized_event(seq, 1000));
  budget = std::make_shared<byte_budget>(1 << 20);
  start();
  EXPECT_EQ(budget->used(), 3000);
  caf::anon_send(deliverer, stop_atom::value);
  answer(200);
  ASSERT_TRUE(stopped());
  EXPECT_EQ(budget->used(), 0);
}

} // namespace
} // namespace courier
