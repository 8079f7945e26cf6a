// Per-hook rate limits and static headers, pause_after, and the operational events that
// report hook health through Courier's own outbox (courier.hook.paused, .disabled,
// courier.event.dead_lettered) to the hooks that name them.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/signature.hpp"

#include <nlohmann/json.hpp>

#include <thread>

namespace courier::test {
namespace {

using json = nlohmann::json;

class hook_health : public pg_test {
protected:
  void configure(std::int64_t id, const std::string& options) {
    pg_instance::exec_scalar(db_, "SELECT courier.configure_hook(" + std::to_string(id) + ", '" +
                                      options + "')");
  }

  std::string hook_state(std::int64_t id) {
    return pg_instance::exec_scalar(db_, "SELECT state FROM courier.hook_status WHERE hook_id = " +
                                             std::to_string(id));
  }

  // The operational events the "ops" hook received (each signed with its secret).
  std::vector<json> ops_events() {
    std::vector<json> out;
    for (const auto& d : sub_.received("ops")) {
      EXPECT_TRUE(
          signature_matches(d.signature, secrets_["ops"], d.webhook_id, d.timestamp, d.body))
          << d.body;
      out.push_back(json::parse(d.body, nullptr, false));
    }
    return out;
  }

  std::size_t ops_of_type(const std::string& type) {
    std::size_t n = 0;
    for (const auto& e : ops_events())
      n += e.value("type", "") == type ? 1 : 0;
    return n;
  }
};

TEST_F(hook_health, a_rate_limited_hook_never_exceeds_its_rate_in_any_second_and_keeps_order) {
  const auto id = hook("limited");
  configure(id, R"({"rate_limit": 5})");
  const auto free = hook("free");
  for (int i = 0; i < 20; ++i) {
    emit_to(db_, id, "t", "{}");
    emit_to(db_, free, "t", "{}");
  }
  start_node("n1");
  ASSERT_TRUE(delivered_through("free", 20));
  ASSERT_TRUE(delivered_through("limited", 20, 20s));
  auto got = sub_.received("limited");
  ASSERT_EQ(got.size(), 20u);
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].seq, static_cast<std::int64_t>(i + 1));
    std::size_t in_window = 0;
    for (std::size_t j = i; j < got.size() && got[j].at - got[i].at < 1s; ++j)
      ++in_window;
    EXPECT_LE(in_window, 5u) << "from request " << i;
  }
  // The limit is the hook's own: the other hook's 20 went out at once.
  auto other = sub_.received("free");
  EXPECT_LT(other.back().at - other.front().at, 2s);
}

TEST_F(hook_health, static_headers_reach_the_subscriber_and_reserved_names_are_refused) {
  const auto id = hook("h");
  configure(id, R"({"headers": {"X-Team": "payments", "Authorization": "Bearer abc"}})");
  emit_to(db_, id, "t", "{}");
  start_node("n1");
  ASSERT_TRUE(delivered_through("h", 1));
  const auto got = sub_.received("h");
  const auto& d = got.front();
  EXPECT_EQ(d.extra_headers.at("x-team"), "payments");
  EXPECT_EQ(d.extra_headers.at("authorization"), "Bearer abc");
  EXPECT_EQ(d.content_type, "application/json");
  for (const char* name : {"webhook-id", "Courier-Seq", "content-type", "Host"}) {
    auto error = error_of("SELECT courier.configure_hook(" + std::to_string(id) +
                          ", '{\"headers\": {\"" + name + "\": \"x\"}}')");
    EXPECT_NE(error.find("may not be overridden"), std::string::npos) << name << ": " << error;
  }
}

TEST_F(hook_health, pause_after_pauses_a_dead_subscriber_and_one_signed_paused_event_is_sent) {
  hook("ops", {"courier.*"});
  const auto everything = hook("everything"); // '*' does not opt into operations
  behaviour dead;
  dead.fixed_status = 500;
  sub_.set_behaviour("dead", dead);
  const auto id = hook("dead");
  configure(id, R"({"pause_after": "1s", "retry_schedule": "200ms"})");
  emit_to(db_, id, "order.paid", "{}");
  start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return hook_state(id) == "paused"; }, 30s));
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("ops") >= 1; }, 30s));
  const auto attempts = sub_.count("dead");
  std::this_thread::sleep_for(1500ms); // nothing more: paused, and reported once
  EXPECT_EQ(sub_.count("dead"), attempts);
  auto events = ops_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].value("type", ""), "courier.hook.paused");
  EXPECT_EQ(events[0]["data"].value("hook_id", 0LL), id);
  EXPECT_NE(events[0]["data"].value("reason", "").find("HTTP 500"), std::string::npos) << events[0];
  EXPECT_NE(pg_instance::exec_scalar(db_, "SELECT state_reason FROM courier.hook_status WHERE "
                                          "hook_id = " +
                                              std::to_string(id))
                .find("pause_after"),
            std::string::npos);
  EXPECT_EQ(sub_.count("everything"), 0u) << everything;
  // Nothing was lost: resumed, the event goes out once the subscriber answers.
  sub_.set_behaviour("dead", behaviour{});
  pg_instance::exec_scalar(db_, "SELECT courier.resume_hook(" + std::to_string(id) + ")");
  EXPECT_TRUE(delivered_through("dead", 1));
}

TEST_F(hook_health, each_parked_event_is_reported_once_as_dead_lettered) {
  hook("ops", {"courier.event.*"});
  behaviour failing;
  failing.fixed_status = 500;
  sub_.set_behaviour("parks", failing);
  const auto parks = hook("parks");
  configure(parks, R"({"poison_policy": "dead_letter", "max_attempts": 2})");
  emit_to(db_, parks, "order.paid", "{}");
  emit_to(db_, parks, "order.paid", "{}");
  start_node("n1", {"--retry_schedule", "100ms"});
  ASSERT_TRUE(
      sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.dead_letters") == 2; }, 30s));
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("ops") >= 2; }, 30s));
  std::this_thread::sleep_for(500ms);
  auto events = ops_events();
  ASSERT_EQ(events.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(events[i].value("type", ""), "courier.event.dead_lettered");
    EXPECT_EQ(events[i]["data"].value("hook_id", 0LL), parks);
    EXPECT_EQ(events[i]["data"].value("seq", 0), static_cast<int>(i + 1));
    EXPECT_EQ(events[i]["data"].value("event_type", ""), "order.paid");
    EXPECT_EQ(events[i]["data"].value("attempts", 0), 2);
  }
}

TEST_F(hook_health, gone_emits_one_disabled_event) {
  hook("ops", {"courier.hook.disabled"});
  behaviour gone;
  gone.fixed_status = 410;
  sub_.set_behaviour("gone", gone);
  const auto id = hook("gone");
  emit_to(db_, id, "t", "{}");
  start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return hook_state(id) == "disabled"; }, 30s));
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("ops") >= 1; }, 30s));
  std::this_thread::sleep_for(500ms);
  auto events = ops_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].value("type", ""), "courier.hook.disabled");
  EXPECT_EQ(events[0]["data"].value("hook_id", 0LL), id);
}

TEST_F(hook_health, a_quarantine_emits_one_quarantined_event) {
  hook("ops", {"courier.hook.quarantined"});
  const auto id = hook("broken");
  // A secret no node can sign with (written past courier's checks): every start of its
  // deliverer fails as permanent, and the restart budget of 1 quarantines it.
  pg_instance::exec_scalar(db_, "UPDATE courier.hooks SET secrets = '{whsec_!!}' WHERE id = " +
                                    std::to_string(id));
  emit_to(db_, id, "t", "{}");
  start_node("n1", {"--restart_max", "1", "--quarantine_ms", "60000"});
  ASSERT_TRUE(sub_.wait_for([&] { return hook_state(id) == "quarantined"; }, 30s));
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("ops") >= 1; }, 30s));
  std::this_thread::sleep_for(500ms);
  auto events = ops_events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].value("type", ""), "courier.hook.quarantined");
  EXPECT_EQ(events[0]["data"].value("hook_id", 0LL), id);
  EXPECT_TRUE(events[0]["data"].contains("until")) << events[0];
  EXPECT_EQ(sub_.count("broken"), 0u);
}

} // namespace
} // namespace courier::test
