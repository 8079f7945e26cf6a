// An operator at work on a 3-node cluster: every courierctl verb goes through node 2's
// admin API, about a hook that node 1 owns — the change is written to Postgres and
// reaches the owner live. The real courierctl binary, real nodes, a real subscriber.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/admin_client.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

namespace courier::test {
namespace {

using json = nlohmann::json;

constexpr const char* token = "ops-test-token";

std::size_t signature_count(const delivery& d) {
  std::size_t n = 0;
  for (std::size_t at = 0; at < d.signature.size();) {
    auto space = d.signature.find(' ', at);
    if (space == std::string::npos)
      space = d.signature.size();
    n += space > at ? 1 : 0;
    at = space + 1;
  }
  return n;
}

// data.n of a delivered event's body, -1 when there is none.
long long payload_n(const delivery& d) {
  auto body = json::parse(d.body, nullptr, false);
  if (!body.is_object() || !body.contains("data") || !body["data"].is_object())
    return -1;
  return body["data"].value("n", -1LL);
}

class admin_ops : public pg_test {
protected:
  struct owned_hook {
    std::int64_t id = 0;
    std::string name; // subscriber path /h/<name>
    std::string secret;
    std::int64_t seq = 0; // the last seq emitted to it
  };

  // Three nodes sharing 9 partitions; keeps node 2's admin port.
  void start_cluster(std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--partitions", "9", "--admin_token", token};
    args.insert(args.end(), extra.begin(), extra.end());
    start_node("n1", args);
    auto& n2 = start_node("n2", args);
    start_node("n3", args);
    auto port = wait_admin_port(n2, 30s);
    ASSERT_TRUE(port) << n2.log();
    port_ = *port;
    ASSERT_TRUE(nodes_->wait_balanced({"n1", "n2", "n3"}, 9, 30s));
  }

  command_result ctl(const std::vector<std::string>& args) {
    return courierctl(port_, token, args);
  }

  // `courierctl --json args`: exit 0 and one JSON document.
  json ctl_json(std::vector<std::string> args) {
    args.insert(args.begin(), "--json");
    auto r = ctl(args);
    EXPECT_EQ(r.exit_code, 0) << shell_quote(args) << "\n" << r.output;
    auto doc = json::parse(r.output, nullptr, false);
    EXPECT_FALSE(doc.is_discarded()) << shell_quote(args) << " printed no JSON:\n" << r.output;
    return doc.is_discarded() ? json() : doc;
  }

  json get_hook(std::int64_t id) { return ctl_json({"hooks", "get", std::to_string(id)}); }

  // Creates hooks through node 2 until one lands in a partition node 1 holds (those that
  // land on node 2 are deleted again, through node 2 as well).
  owned_hook hook_on_node_1(const std::string& name) {
    for (int attempt = 0; attempt < 40; ++attempt) {
      owned_hook h;
      h.name = name + "-" + std::to_string(attempt);
      h.secret = random_secret();
      auto created = ctl_json({"hooks", "create", "--url", sub_.url_for(h.name), "--secret",
                               h.secret, "--event-types", "*"});
      h.id = created.value("id", 0LL);
      for (const char* member : {"id", "url", "state", "event_types", "next_seq", "backlog"})
        EXPECT_TRUE(created.contains(member)) << member << " missing: " << created.dump();
      if (created.value("owner_node", "") == "n1")
        return h;
      EXPECT_EQ(ctl({"hooks", "delete", std::to_string(h.id)}).exit_code, 0);
    }
    ADD_FAILURE() << "no hook landed on node 1";
    return {};
  }

  // Emits one event to the hook and waits until it has been delivered.
  delivery emit_delivered(owned_hook& h, const std::string& payload = "{}") {
    emit_to(db_, h.id, "ops.event", payload);
    ++h.seq;
    EXPECT_TRUE(delivered_through(h.name, h.seq)) << "seq " << h.seq << " of " << h.name;
    for (const auto& d : sub_.received(h.name))
      if (d.seq == h.seq && d.status_sent == 200)
        return d;
    return {};
  }

  // Emits events one at a time until a delivery satisfies `pred` (a node applies a change
  // when it reloads the hook, which races with a send already under way).
  std::optional<delivery> emit_until(owned_hook& h,
                                     const std::function<bool(const delivery&)>& pred,
                                     std::vector<delivery>* before = nullptr) {
    for (int i = 0; i < 30; ++i) {
      auto d = emit_delivered(h);
      if (pred(d))
        return d;
      if (before != nullptr)
        before->push_back(d);
    }
    return std::nullopt;
  }

  // Waits until an event emitted to `barrier` now is delivered: everything the owner
  // could have sent for other hooks meanwhile has had the same chance to go out.
  void pass_barrier(owned_hook& barrier) { emit_delivered(barrier); }

  unsigned short port_ = 0;
};

TEST_F(admin_ops, every_verb_through_node_2_on_a_hook_that_node_1_owns) {
  start_cluster();
  auto h = hook_on_node_1("h");
  auto control = hook_on_node_1("control");
  ASSERT_NE(h.id, 0);
  ASSERT_NE(control.id, 0);
  const std::string id = std::to_string(h.id);

  auto first = emit_delivered(h);
  EXPECT_TRUE(verify_signature(first, h.secret));
  EXPECT_EQ(signature_count(first), 1u);

  // pause: the backlog grows on node 1, nothing is sent.
  EXPECT_EQ(ctl_json({"hooks", "pause", id}).value("state", ""), "paused");
  for (int i = 0; i < 3; ++i)
    emit_to(db_, h.id, "ops.event", "{}");
  ASSERT_TRUE(sub_.wait_for([&] { return get_hook(h.id).value("backlog", -1) == 3; }, 30s))
      << get_hook(h.id).dump();
  pass_barrier(control);
  EXPECT_EQ(sub_.count(h.name), 1u) << "a paused hook was sent to";
  auto paused = ctl_json({"hooks", "list", "--state", "paused"});
  ASSERT_TRUE(paused.is_array());
  ASSERT_EQ(paused.size(), 1u) << paused.dump();
  EXPECT_EQ(paused[0].value("id", 0LL), h.id);

  // resume: everything held back arrives, in seq order, once.
  EXPECT_EQ(ctl_json({"hooks", "resume", id}).value("state", ""), "active");
  h.seq += 3;
  ASSERT_TRUE(delivered_through(h.name, h.seq));
  EXPECT_TRUE(sub_.order_violations().empty());
  EXPECT_EQ(sub_.duplicates(h.name), 0u);

  // update: new event types apply to the next emits.
  auto updated = ctl_json({"hooks", "update", id, "--event-types", "order.*"});
  EXPECT_EQ(updated.value("event_types", json()), json::array({"order.*"}));
  emit(db_, "user.signed_up", "{}");
  emit(db_, "order.paid", R"({"n":1})");
  ++h.seq;
  ASSERT_TRUE(delivered_through(h.name, h.seq));
  EXPECT_EQ(payload_n(sub_.received(h.name).back()), 1) << "user.signed_up must not match";

  // rotate-secret: the old secret keeps signing beside the new one, then retires.
  const std::string next_secret = random_secret();
  auto rotated =
      ctl_json({"hooks", "rotate-secret", id, "--secret", next_secret, "--overlap", "8s"});
  ASSERT_EQ(rotated.value("secrets", json()).size(), 2u) << rotated.dump();
  EXPECT_TRUE(rotated["secrets"][0]["expires_at"].is_null());
  EXPECT_TRUE(rotated["secrets"][1]["expires_at"].is_string());
  std::vector<delivery> during;
  auto two = emit_until(
      h, [](const delivery& d) { return signature_count(d) == 2; }, &during);
  ASSERT_TRUE(two) << "no request carried two signatures";
  during.push_back(*two);
  for (const auto& d : during) // subscribers that know only the old secret keep verifying
    EXPECT_TRUE(verify_signature(d, h.secret)) << d.signature;
  EXPECT_TRUE(verify_signature(*two, next_secret));
  ASSERT_TRUE(
      sub_.wait_for([&] { return get_hook(h.id).value("secrets", json()).size() == 1; }, 40s))
      << "the old secret was not retired after its overlap";
  auto one = emit_until(h, [](const delivery& d) { return signature_count(d) == 1; });
  ASSERT_TRUE(one) << "the retired secret kept signing";
  for (int i = 0; i < 3; ++i) {
    auto d = emit_delivered(h);
    EXPECT_EQ(signature_count(d), 1u) << d.signature;
    EXPECT_TRUE(verify_signature(d, next_secret));
    EXPECT_FALSE(verify_signature(d, h.secret));
  }

  // A wrong token is refused (401, exit 1) and changes nothing.
  auto denied = courierctl(port_, "wrong-token", {"hooks", "pause", id});
  EXPECT_EQ(denied.exit_code, 1) << denied.output;
  EXPECT_NE(denied.output.find("401"), std::string::npos) << denied.output;
  EXPECT_EQ(get_hook(h.id).value("state", ""), "active");

  // test: one signed ping outside the stream; the cursor does not move.
  ASSERT_TRUE(sub_.wait_for([&] { return get_hook(h.id).value("next_seq", 0LL) == h.seq + 1; },
                            30s)); // flushed
  const auto next_seq = h.seq + 1;
  const auto before_ping = sub_.count(h.name);
  auto ping = ctl({"test", "--hook", id});
  EXPECT_EQ(ping.exit_code, 0) << ping.output;
  for (const char* shown : {"status:", "200", "latency:", " ms", "response:"})
    EXPECT_NE(ping.output.find(shown), std::string::npos) << shown << "\n" << ping.output;
  ASSERT_EQ(sub_.count(h.name), before_ping + 1);
  const auto pinged = sub_.received(h.name).back();
  EXPECT_EQ(pinged.seq, -1) << "a test ping carries no courier-seq";
  EXPECT_NE(pinged.body.find(R"("type":"courier.test")"), std::string::npos) << pinged.body;
  EXPECT_TRUE(verify_signature(pinged, next_secret));
  auto ping_json = ctl_json({"test", "--hook", id});
  EXPECT_EQ(ping_json.value("status", 0), 200);
  EXPECT_EQ(ping_json.value("ok", false), true);
  EXPECT_TRUE(ping_json.contains("latency_ms"));
  EXPECT_EQ(get_hook(h.id).value("next_seq", 0LL), next_seq);

  // Options: static headers set through node 2 reach node 1's requests.
  auto tagged_hook = ctl_json({"hooks", "update", id, "--option", R"(headers={"x-team": "ops"})"});
  EXPECT_EQ(tagged_hook["options"]["headers"].value("x-team", ""), "ops") << tagged_hook.dump();
  auto tagged = emit_until(h, [](const delivery& d) { return d.extra_headers.count("x-team"); });
  ASSERT_TRUE(tagged) << "the header never arrived";
  EXPECT_EQ(tagged->extra_headers.at("x-team"), "ops");

  // deliveries list: node 1's attempts, read through node 2.
  json attempts;
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        attempts = ctl_json({"deliveries", "list", "--hook", id, "--limit", "3"});
        return attempts.is_array() && attempts.size() == 3 &&
               attempts[0].value("seq", 0LL) == h.seq;
      },
      10s))
      << attempts.dump();
  for (const auto& a : attempts) {
    EXPECT_EQ(a.value("outcome", ""), "delivered") << a.dump();
    EXPECT_EQ(a.value("status", 0), 200) << a.dump();
    EXPECT_EQ(a.value("node_id", ""), "n1") << a.dump();
  }

  // replay --from-seq: the last three again, in order, applied by node 1.
  ASSERT_TRUE(
      sub_.wait_for([&] { return get_hook(h.id).value("next_seq", 0LL) == h.seq + 1; }, 30s));
  const auto before_replay = sub_.count(h.name);
  auto replayed = ctl({"replay", "--hook", id, "--from-seq", std::to_string(h.seq - 2)});
  EXPECT_EQ(replayed.exit_code, 0) << replayed.output;
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count(h.name) >= before_replay + 3; }, 30s));
  auto again = sub_.received(h.name);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(again[before_replay + i].seq, h.seq - 2 + static_cast<std::int64_t>(i));

  // The cluster as node 2 sees it.
  auto cluster = ctl_json({"cluster", "status"});
  ASSERT_EQ(cluster.value("nodes", json()).size(), 3u) << cluster.dump();
  EXPECT_EQ(cluster.value("partitions_leased", 0), 9);
  auto table = ctl({"cluster", "status"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.output.find("n1"), std::string::npos) << table.output;

  // delete: delivery stops; the hook is gone for every verb.
  EXPECT_EQ(ctl({"hooks", "delete", id}).exit_code, 0);
  const auto before_delete = sub_.count(h.name);
  emit(db_, "order.paid", R"({"n":2})"); // matched only the deleted hook's patterns
  pass_barrier(control);
  EXPECT_EQ(sub_.count(h.name), before_delete);
  auto missing = ctl({"hooks", "get", id});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("404"), std::string::npos) << missing.output;
  EXPECT_TRUE(sub_.order_violations().empty());
}

TEST_F(admin_ops, dead_letters_replay_in_order_and_only_once) {
  start_cluster({"--poison_policy", "dead_letter", "--max_attempts", "2"});
  auto h = hook_on_node_1("d");
  ASSERT_NE(h.id, 0);
  const std::string id = std::to_string(h.id);
  behaviour failing;
  failing.fixed_status = 500;

  // Parks events {"n": first..first+count-1} and returns once `dead list` shows them.
  auto park = [&](int first, int count) {
    sub_.set_behaviour(h.name, failing);
    for (int n = first; n < first + count; ++n)
      emit_to(db_, h.id, "ops.poison", R"({"n":)" + std::to_string(n) + "}");
    h.seq += count;
    json parked;
    EXPECT_TRUE(sub_.wait_for(
        [&] {
          parked = ctl_json({"dead", "list", "--hook", id, "--state", "parked"});
          return parked.size() == static_cast<std::size_t>(count);
        },
        30s))
        << parked.dump();
    for (const auto& d : parked) // never 2xx: the order checker must not wait for them
      sub_.mark_skipped(h.name, d.value("seq", 0LL));
    sub_.clear_behaviour(h.name);
  };
  // Every n answered 2xx so far, in arrival order.
  auto delivered_ns = [&] {
    std::vector<long long> out;
    for (const auto& d : sub_.received(h.name))
      if (d.status_sent == 200)
        out.push_back(payload_n(d));
    return out;
  };

  park(1, 3);
  auto replayed = ctl_json({"dead", "replay", "--hook", id});
  EXPECT_EQ(replayed.value("replayed", 0), 3) << replayed.dump();
  h.seq += 3;
  ASSERT_TRUE(delivered_through(h.name, h.seq));
  EXPECT_EQ(delivered_ns(), (std::vector<long long>{1, 2, 3}));

  // Again: nothing is parked any more, so nothing is sent again.
  auto again = ctl({"dead", "replay", "--hook", id});
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_NE(again.output.find("replayed 0"), std::string::npos) << again.output;
  emit_delivered(h, R"({"n":9})");
  EXPECT_EQ(delivered_ns(), (std::vector<long long>{1, 2, 3, 9}));

  // Parked anew, replayed anew — by time this time — in order, once.
  const std::string since = pg_instance::exec_scalar(db_, "SELECT courier.rfc3339(now())");
  park(11, 2);
  EXPECT_EQ(ctl_json({"dead", "replay", "--since", since}).value("replayed", 0), 2);
  h.seq += 2;
  ASSERT_TRUE(delivered_through(h.name, h.seq));
  EXPECT_EQ(delivered_ns(), (std::vector<long long>{1, 2, 3, 9, 11, 12}));

  // One by id: replayed once, then refused as a conflict (exit 1).
  park(21, 1);
  auto letters = ctl_json({"dead", "list", "--hook", id, "--state", "parked"});
  ASSERT_EQ(letters.size(), 1u);
  const auto letter = std::to_string(letters[0].value("id", 0LL));
  EXPECT_EQ(ctl_json({"dead", "replay", letter}).value("replayed", 0), 1);
  ++h.seq;
  ASSERT_TRUE(delivered_through(h.name, h.seq));
  auto twice = ctl({"dead", "replay", letter});
  EXPECT_EQ(twice.exit_code, 1) << twice.output;
  EXPECT_NE(twice.output.find("409"), std::string::npos) << twice.output;
  EXPECT_EQ(delivered_ns(), (std::vector<long long>{1, 2, 3, 9, 11, 12, 21}));

  auto all = ctl_json({"dead", "list"});
  ASSERT_TRUE(all.is_array());
  EXPECT_EQ(all.size(), 6u);
  for (const auto& d : all)
    EXPECT_EQ(d.value("state", ""), "replayed") << d.dump();
  EXPECT_TRUE(sub_.order_violations().empty());
  EXPECT_EQ(sub_.duplicates(h.name), 0u);
}

} // namespace
} // namespace courier::test
