// The admin API refuses what it must, the way it must: each bad request gets its status
// as RFC 9457 problem+json naming the offending field, and the database is left exactly
// as it was. Runs against a node with allow_private_targets off, so the SSRF guard
// applies at create and update time.
#include "tests/pg/pg_test_base.hpp"

#include "runtime/admin/openapi.hpp"
#include "tests/support/admin_client.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <future>
#include <thread>

namespace courier::test {
namespace {

constexpr const char* token = "admin-api-test-token";

class admin_api : public pg_test {
protected:
  unsigned short start_guarded_node() {
    auto& node = start_node(
        "n1", {"--partitions", "8", "--admin_token", token, "--allow_private_targets", "false"});
    const auto port = wait_admin_port(node, 30s);
    EXPECT_TRUE(port) << node.log();
    return port.value_or(0);
  }

  // Everything an admin request could change, as one value.
  std::string database_state() {
    return pg_instance::exec_scalar(db_, R"(SELECT md5(concat_ws('|',
                   (SELECT string_agg(concat_ws(',', id, url, secrets, event_types, state,
                                                updated_at, disabled_reason), ';' ORDER BY id)
                      FROM courier.hooks),
                   (SELECT string_agg(concat_ws(',', hook_id, next_seq), ';' ORDER BY hook_id)
                      FROM courier.streams),
                   (SELECT string_agg(concat_ws(',', id, replayed_at), ';' ORDER BY id)
                      FROM courier.dead_letters),
                   (SELECT string_agg(concat_ws(',', hook_id, secret, expires_at), ';')
                      FROM courier.secret_expiry),
                   (SELECT count(*) FROM courier.outbox))))");
  }
};

TEST_F(admin_api, bad_requests_get_problem_json_naming_the_field_and_change_nothing) {
  const auto port = start_guarded_node();
  ASSERT_NE(port, 0);
  const std::string bearer = std::string("Bearer ") + token;
  // A hook for the requests to be about (paused: nothing is sent to the documentation
  // address 203.0.113.10, which passes the SSRF guard), one disabled by its subscriber,
  // and a dead letter that was replayed already.
  const std::string secret = random_secret();
  const auto id = create_hook(db_, "http://203.0.113.10/hook", secret);
  pg_instance::exec_scalar(db_, "SELECT courier.pause_hook(" + std::to_string(id) + ")");
  const auto gone = create_hook(db_, "http://203.0.113.10/gone", random_secret());
  pg_instance::exec_scalar(db_, "UPDATE courier.hooks SET state = 'disabled', disabled_reason = "
                                "'subscriber answered 410 Gone' WHERE id = " +
                                    std::to_string(gone));
  emit_to(db_, id, "parked", "{}");
  const auto replayed = pg_instance::exec_scalar(
      db_, "INSERT INTO courier.dead_letters (hook_id, seq, event_id, event_type, payload, "
           "emitted_at, attempts, replayed_at) VALUES (" +
               std::to_string(id) + ", 1, 1, 'parked', '{}', now(), 3, now()) RETURNING id");
  const std::string hook = "/v1/hooks/" + std::to_string(id);
  const std::string valid_create =
      R"({"url":"http://203.0.113.10/new","secret":")" + random_secret() + R"("})";
  const auto create_with = [](const std::string& member, const std::string& value) {
    return R"({"url":"http://203.0.113.10/x","secret":")" + random_secret() + R"(",)" + "\"" +
           member + "\":" + value + "}";
  };
  const auto create_url = [](const std::string& url) {
    return R"({"url":")" + url + R"(","secret":")" + random_secret() + R"("})";
  };
  const std::string state_before = database_state();

  struct refusal {
    std::string method, target, authorization, body;
    int status;
    std::string field; // empty: the problem names none
  };
  const std::vector<refusal> cases = {
      // 401: no token, a wrong one, another scheme — even for a valid change.
      {"POST", "/v1/hooks", "", valid_create, 401, ""},
      {"POST", "/v1/hooks", "Bearer wrong", valid_create, 401, ""},
      {"POST", hook + "/pause", "Basic " + std::string(token), "", 401, ""},
      {"DELETE", hook, "", "", 401, ""},
      // 400: not JSON, not an object, unknown members and parameters.
      {"POST", "/v1/hooks", bearer, "{", 400, ""},
      {"POST", "/v1/hooks", bearer, "[]", 400, ""},
      {"POST", "/v1/hooks", bearer, create_with("colour", "\"red\""), 400, "colour"},
      {"PATCH", hook, bearer, R"({"secret":"x"})", 400, "secret"},
      {"POST", hook + "/pause", bearer, R"({"now":true})", 400, "now"},
      {"GET", "/v1/hooks?sort=id", bearer, "", 400, "sort"},
      {"GET", "/v1/hooks?order=lag", bearer, "", 422, "order"},
      {"GET", "/v1/hooks?order=backlog&after=5", bearer, "", 422, "after"},
      // 404: unknown hooks, dead letters and paths.
      {"GET", "/v1/hooks/999999", bearer, "", 404, ""},
      {"PATCH", "/v1/hooks/999999", bearer, R"({"url":"http://203.0.113.10/"})", 404, ""},
      {"POST", "/v1/hooks/999999/pause", bearer, "", 404, ""},
      {"POST", "/v1/hooks/999999/resume", bearer, "", 404, ""},
      {"DELETE", "/v1/hooks/999999", bearer, "", 404, ""},
      {"POST", "/v1/hooks/abc/test", bearer, "", 404, ""},
      {"POST", "/v1/hooks/999999/rotate-secret", bearer,
       R"({"secret":")" + random_secret() + R"("})", 404, ""},
      {"POST", "/v1/dead-letters/999999/replay", bearer, "", 404, ""},
      {"POST", "/v1/dead-letters/replay", bearer, R"({"hook_id":999999})", 404, ""},
      {"GET", "/v1/dead-letters?hook_id=999999", bearer, "", 404, ""},
      {"GET", "/v1/deliveries?hook_id=999999", bearer, "", 404, ""},
      {"POST", "/v1/hooks/999999/replay", bearer, R"({"from_seq":1})", 404, ""},
      {"POST", hook + "/replay", bearer, R"({"from":1})", 400, "from"},
      {"GET", "/v1/deliveries?order=asc", bearer, "", 400, "order"},
      {"GET", "/v1/no-such-thing", bearer, "", 404, ""},
      // 405: a path that exists, a method it does not have.
      {"PUT", hook, bearer, valid_create, 405, ""},
      // 409: changes that conflict with the hook's state.
      {"POST", "/v1/hooks/" + std::to_string(gone) + "/pause", bearer, "", 409, ""},
      {"POST", hook + "/rotate-secret", bearer, R"({"secret":")" + secret + R"("})", 409, ""},
      {"POST", "/v1/dead-letters/" + replayed + "/replay", bearer, "", 409, ""},
      // 413: one byte over 1 MiB, refused before it is parsed.
      {"POST", "/v1/hooks", bearer, std::string(1024 * 1024 + 1, ' '), 413, ""},
      // 422: values refused, named.
      {"POST", "/v1/hooks", bearer, R"({"secret":"whsec_x"})", 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("ftp://203.0.113.10/x"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://203.0.113.10/x#frag"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://user@203.0.113.10/"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://127.0.0.1:9/x"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://169.254.169.254/latest"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://[::1]/x"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://localhost/x"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_url("http://no-such-host.invalid/x"), 422, "url"},
      {"POST", "/v1/hooks", bearer, create_with("url", "5"), 422, "url"},
      {"POST", "/v1/hooks", bearer, R"({"url":"http://203.0.113.10/","secret":"whsec_c2hvcnQ="})",
       422, "secret"},
      {"POST", "/v1/hooks", bearer, R"({"url":"http://203.0.113.10/","secret":"hunter2"})", 422,
       "secret"},
      {"POST", "/v1/hooks", bearer, create_with("event_types", R"([""])"), 422, "event_types"},
      {"POST", "/v1/hooks", bearer, create_with("event_types", R"(["a..b"])"), 422, "event_types"},
      {"POST", "/v1/hooks", bearer, create_with("event_types", "[]"), 422, "event_types"},
      {"PATCH", hook, bearer, R"({"url":"http://10.0.0.8/internal"})", 422, "url"},
      {"PATCH", hook, bearer, R"({"event_types":["*.*"]})", 422, "event_types"},
      {"POST", hook + "/rotate-secret", bearer, R"({"secret":"whsec_"})", 422, "secret"},
      {"POST", hook + "/rotate-secret", bearer,
       R"({"secret":")" + random_secret() + R"(","overlap":"soon"})", 422, "overlap"},
      {"POST", "/v1/dead-letters/replay", bearer, R"({"since":"yesterday"})", 422, "since"},
      {"POST", "/v1/dead-letters/replay", bearer, R"({"since":"2024-02-30T00:00:00Z"})", 422,
       "since"},
      {"POST", "/v1/dead-letters/replay", bearer, "{}", 422, "hook_id"},
      {"GET", "/v1/hooks?limit=0", bearer, "", 422, "limit"},
      {"GET", "/v1/hooks?state=sleeping", bearer, "", 422, "state"},
      {"GET", "/v1/deliveries?outcome=fine", bearer, "", 422, "outcome"},
      {"POST", hook + "/replay", bearer, "{}", 422, "from_seq"},
      {"POST", hook + "/replay", bearer, R"({"from_seq":0})", 422, "from_seq"},
      {"POST", "/v1/hooks", bearer, create_with("options", "\"fast\""), 422, "options"},
      {"POST", "/v1/hooks", bearer, create_with("options", R"({"max_attempts":0})"), 422,
       "options.max_attempts"},
      {"POST", "/v1/hooks", bearer, create_with("options", R"({"colour":1})"), 422,
       "options.colour"},
      {"PATCH", hook, bearer, R"({"options":{"retry_schedule":"soon"}})", 422,
       "options.retry_schedule"},
      {"PATCH", hook, bearer, R"({"options":{"headers":{"Host":"evil.example"}}})", 422,
       "options.headers"},
      {"PATCH", hook, bearer, R"({"options":{"rate_limit":0}})", 422, "options.rate_limit"},
      {"PATCH", hook, bearer, R"({"options":{"ordering":"random"}})", 422, "options.ordering"},
      {"GET", "/v1/deliveries?since=today", bearer, "", 422, "since"},
      {"GET", "/v1/deliveries?seq=0", bearer, "", 422, "seq"},
  };
  for (const auto& c : cases) {
    const auto r = admin_request(port, c.method, c.target, c.authorization, c.body, 20s);
    const std::string what = c.method + " " + c.target + " " + c.body.substr(0, 120);
    EXPECT_EQ(r.status, c.status) << what << "\n" << r.body << r.error;
    EXPECT_EQ(r.content_type, "application/problem+json") << what;
    auto problem = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(problem.is_object()) << what << "\n" << r.body;
    EXPECT_EQ(problem.value("status", 0), c.status) << what << "\n" << r.body;
    EXPECT_FALSE(problem.value("title", "").empty()) << what;
    EXPECT_FALSE(problem.value("detail", "").empty()) << what;
    EXPECT_EQ(problem.value("type", "").rfind("urn:courier:problem:", 0), 0u) << what;
    EXPECT_EQ(problem.value("field", ""), c.field) << what << "\n" << r.body;
  }
  EXPECT_EQ(database_state(), state_before) << "a refused request changed the database";

  // The same server takes a valid request afterwards, public targets pass the guard.
  const auto created = admin_request(port, "POST", "/v1/hooks", bearer, valid_create);
  EXPECT_EQ(created.status, 201) << created.body;
  auto doc = nlohmann::json::parse(created.body);
  EXPECT_EQ(created.location, "/v1/hooks/" + std::to_string(doc.at("id").get<long long>()));
  for (const char* member : {"id", "url", "state", "event_types", "next_seq", "backlog"})
    EXPECT_TRUE(doc.contains(member)) << member << " missing in " << created.body;
  EXPECT_EQ(doc.at("state"), "active");
  EXPECT_NE(database_state(), state_before);
}

TEST_F(admin_api, serves_its_openapi_document) {
  const auto port = start_guarded_node();
  ASSERT_NE(port, 0);
  EXPECT_EQ(admin_request(port, "GET", "/v1/openapi.json").status, 401);
  const auto doc = admin_request(port, "GET", "/v1/openapi.json", std::string("Bearer ") + token);
  EXPECT_EQ(doc.status, 200);
  EXPECT_EQ(doc.content_type, "application/json");
  EXPECT_EQ(doc.body, admin::openapi_json());
  EXPECT_EQ(nlohmann::json::parse(doc.body).at("openapi"), "3.1.0");
}

// Admin work runs on its own small pool, never on the listener's thread: requests stuck
// behind a row lock hold neither the probes nor each other beyond a bound (503 past it).
TEST_F(admin_api, stuck_requests_neither_block_probes_nor_pile_up) {
  const auto port = start_guarded_node();
  ASSERT_NE(port, 0);
  const auto id = create_hook(db_, "http://203.0.113.10/hook", random_secret());
  pg_instance::exec_scalar(db_, "SELECT courier.pause_hook(" + std::to_string(id) + ")");
  pqxx::connection holder{db_};
  pqxx::work lock{holder};
  lock.exec_params("SELECT 1 FROM courier.hooks WHERE id = $1 FOR UPDATE", id);

  constexpr int requests = 40;
  std::vector<std::future<admin_reply>> replies;
  for (int i = 0; i < requests; ++i)
    replies.push_back(std::async(std::launch::async, [&] {
      return admin_request(port, "PATCH", "/v1/hooks/" + std::to_string(id),
                           std::string("Bearer ") + token, R"({"event_types":["a"]})", 60s);
    }));
  // Past the bound the answer comes at once, while the others wait on the lock.
  std::vector<admin_reply> refused;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (refused.size() < requests - 32 && std::chrono::steady_clock::now() < deadline) {
    for (auto& r : replies)
      if (r.valid() && r.wait_for(0s) == std::future_status::ready)
        refused.push_back(r.get());
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(refused.size(), static_cast<std::size_t>(requests - 32));
  for (const auto& r : refused)
    EXPECT_EQ(r.status, 503) << r.body << r.error;
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(admin_request(port, "GET", "/healthz").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 2s) << "/healthz waited for admin work";

  lock.commit();
  int changed = 0;
  for (auto& r : replies)
    if (r.valid())
      changed += r.get().status == 200 ? 1 : 0;
  EXPECT_EQ(changed, 32);
}

TEST_F(admin_api, order_backlog_lists_the_hooks_with_the_most_undelivered_events_first) {
  const auto port = start_guarded_node();
  ASSERT_NE(port, 0);
  std::vector<std::int64_t> ids;
  for (int backlog : {1, 5, 0, 3}) {
    ids.push_back(create_hook(db_, "http://203.0.113.10/lag", random_secret()));
    pg_instance::exec_scalar(db_, "SELECT courier.pause_hook(" + std::to_string(ids.back()) + ")");
    for (int i = 0; i < backlog; ++i)
      emit_to(db_, ids.back(), "t", "{}");
  }
  const auto r =
      admin_request(port, "GET", "/v1/hooks?order=backlog&limit=2", std::string("Bearer ") + token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto page = nlohmann::json::parse(r.body);
  ASSERT_EQ(page["items"].size(), 2u) << r.body;
  EXPECT_EQ(page["items"][0]["id"], ids[1]);
  EXPECT_EQ(page["items"][0]["backlog"], 5);
  EXPECT_EQ(page["items"][1]["id"], ids[3]);
  EXPECT_TRUE(page["next_after"].is_null());
}

} // namespace
} // namespace courier::test
