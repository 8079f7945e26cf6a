// Per-actor-type telemetry: an instrumented behavior counts and times each message, the
// probe keeps the type's running count and mailbox depth in step with the actor's life,
// and the high-water mark keeps the deepest mailbox seen.
#include "actors/actor_telemetry.hpp"

#include "actor_test_support.hpp"

#include <gtest/gtest.h>

#include <prometheus/text_serializer.h>

namespace courier {
namespace {

using ping = caf::typed_actor<caf::reacts_to<int>, caf::replies_to<std::string>::with<int>>;

struct pinged_state {
  actor_probe probe;
};

ping::behavior_type pinged(ping::stateful_pointer<pinged_state> self, actor_type_metrics* metrics,
                           std::shared_ptr<std::vector<int>> seen) {
  self->state.probe = actor_probe{self, *metrics};
  return instrumented<ping::behavior_type>(
      self->state.probe, [=](int n) { seen->push_back(n); },
      [=](std::string& text) { return static_cast<int>(text.size()); });
}

// A base of its own so the series outlive the actor system (bases go in reverse order).
struct series_holder {
  prometheus::Registry registry;
  actor_telemetry types{registry};
};

class actor_telemetry_test : protected series_holder, public testing::actor_fixture {
protected:
  actor_type_metrics& delivery = types.of(actor_type::delivery);
  std::shared_ptr<std::vector<int>> seen = std::make_shared<std::vector<int>>();

  std::uint64_t handled_count() const {
    return delivery.handling_seconds->Collect().histogram.sample_count;
  }
};

TEST_F(actor_telemetry_test, counts_and_times_every_handled_message) {
  auto a = sys.spawn(pinged, &delivery, seen);
  kill_at_teardown(a);
  run();
  for (int n = 1; n <= 3; ++n)
    caf::anon_send(a, n);
  caf::anon_send(a, std::string{"four"});
  run();
  EXPECT_EQ(*seen, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(delivery.messages->Value(), 4.0);
  EXPECT_EQ(handled_count(), 4u);
  EXPECT_EQ(types.of(actor_type::partition).messages->Value(), 0.0) << "only its own type";
}

TEST_F(actor_telemetry_test, counts_an_actor_running_until_it_exits) {
  auto a = sys.spawn(pinged, &delivery, seen);
  auto b = sys.spawn(pinged, &delivery, seen);
  run();
  EXPECT_EQ(delivery.running->Value(), 2.0);
  caf::anon_send_exit(a, caf::exit_reason::kill);
  run();
  EXPECT_EQ(delivery.running->Value(), 1.0);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
  run();
  EXPECT_EQ(delivery.running->Value(), 0.0);
}

TEST_F(actor_telemetry_test, mailbox_depth_follows_the_backlog_and_keeps_its_high_water) {
  auto a = sys.spawn(pinged, &delivery, seen);
  kill_at_teardown(a);
  run();
  for (int n = 0; n < 5; ++n)
    caf::anon_send(a, n);
  ASSERT_TRUE(sched.try_run_once()); // the first of five: four still waiting
  EXPECT_EQ(delivery.mailbox_depth->Value(), 4.0);
  EXPECT_EQ(delivery.mailbox_high_water->Value(), 4.0);
  run();
  EXPECT_EQ(delivery.mailbox_depth->Value(), 0.0) << "the last message saw an empty mailbox";
  EXPECT_EQ(delivery.mailbox_high_water->Value(), 4.0);
  caf::anon_send(a, 9);
  caf::anon_send(a, 10);
  ASSERT_TRUE(sched.try_run_once());
  EXPECT_EQ(delivery.mailbox_depth->Value(), 1.0);
  EXPECT_EQ(delivery.mailbox_high_water->Value(), 4.0) << "a shallower backlog keeps the mark";
}

TEST_F(actor_telemetry_test, an_exiting_actor_takes_its_share_of_the_depth_along) {
  auto a = sys.spawn(pinged, &delivery, seen);
  run();
  for (int n = 0; n < 3; ++n)
    caf::anon_send(a, n);
  ASSERT_TRUE(sched.try_run_once());
  ASSERT_EQ(delivery.mailbox_depth->Value(), 2.0);
  caf::anon_send_exit(a, caf::exit_reason::kill);
  run();
  EXPECT_EQ(delivery.mailbox_depth->Value(), 0.0);
  EXPECT_EQ(delivery.running->Value(), 0.0);
}

TEST_F(actor_telemetry_test, every_type_is_exported_with_an_actor_type_label) {
  const auto text = prometheus::TextSerializer{}.Serialize(registry.Collect());
  for (const char* type : {"node_supervisor", "partition", "delivery", "lease_keeper", "listener",
                           "flusher", "attempt_logger"}) {
    const std::string label = std::string{"actor_type=\""} + type + "\"";
    for (const char* series :
         {"courier_actors{", "courier_actor_restarts_total{", "courier_actor_messages_total{",
          "courier_actor_message_seconds_count{", "courier_actor_mailbox_depth{",
          "courier_actor_mailbox_high_water{"})
      EXPECT_NE(text.find(std::string{series} + label), std::string::npos) << series << type;
  }
}

} // namespace
} // namespace courier
