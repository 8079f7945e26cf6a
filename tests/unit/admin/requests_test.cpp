// Reading admin API requests (runtime/admin/requests.hpp): what is refused, with which
// status and field, before anything reaches the database.
#include "runtime/admin/requests.hpp"

#include <gtest/gtest.h>

namespace courier::admin {
namespace {

template <class T> problem problem_of(const parsed<T>& p) {
  EXPECT_TRUE(std::holds_alternative<problem>(p)) << "accepted";
  return std::holds_alternative<problem>(p) ? std::get<problem>(p) : problem{};
}

template <class T> T value_of(const parsed<T>& p) {
  if (const auto* bad = std::get_if<problem>(&p))
    ADD_FAILURE() << "refused: " << bad->status << " " << bad->field << ": " << bad->detail;
  return std::holds_alternative<T>(p) ? std::get<T>(p) : T{};
}

TEST(create_hook_request, reads_url_secret_and_event_types) {
  const auto r = value_of(
      parse_create_hook(R"({"url":"https://x/h","secret":"whsec_abc","event_types":["a","b.*"]})"));
  EXPECT_EQ(r.url, "https://x/h");
  EXPECT_EQ(r.secret, "whsec_abc");
  EXPECT_EQ(r.event_types, (std::vector<std::string>{"a", "b.*"}));
  EXPECT_EQ(value_of(parse_create_hook(R"({"url":"u","secret":"s"})")).event_types,
            std::vector<std::string>{"*"});
}

TEST(create_hook_request, refusals_name_status_and_field) {
  struct refusal {
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<refusal> cases = {
      {"", 400, ""},
      {"{", 400, ""},
      {"[1]", 400, ""},
      {R"("text")", 400, ""},
      {R"({"url":"u","secret":"s","colour":"red"})", 400, "colour"},
      {R"({"url":"u","secret":"s","options":[]})", 422, "options"},
      {"{\"url\":\"\xff\",\"secret\":\"s\"}", 400, ""}, // not UTF-8
      {R"({"secret":"s"})", 422, "url"},
      {R"({"url":"u"})", 422, "secret"},
      {R"({"url":5,"secret":"s"})", 422, "url"},
      {R"({"url":"u","secret":null})", 422, "secret"},
      {R"({"url":"u","secret":"s","event_types":"a"})", 422, "event_types"},
      {R"({"url":"u","secret":"s","event_types":["a",1]})", 422, "event_types"},
      {R"({"url":"http://x/\u0000y","secret":"s"})", 422, "url"},
      {R"({"url":"u","secret":"s","event_types":["\u0000"]})", 422, "event_types"},
      {R"({"url":"u","secret":"s","event_types":[[[[[[[[["deep"]]]]]]]]]})", 400, ""},
  };
  for (const auto& c : cases) {
    const problem p = problem_of(parse_create_hook(c.body));
    EXPECT_EQ(p.status, c.status) << c.body << ": " << p.detail;
    EXPECT_EQ(p.field, c.field) << c.body << ": " << p.detail;
    EXPECT_FALSE(p.detail.empty()) << c.body;
  }
}

TEST(update_hook_request, members_left_out_stay_unset) {
  const auto both = value_of(parse_update_hook(R"({"url":"u","event_types":["x"]})"));
  EXPECT_EQ(both.url, std::optional<std::string>{"u"});
  EXPECT_EQ(both.event_types, (std::optional<std::vector<std::string>>{{"x"}}));
  const auto none = value_of(parse_update_hook("{}"));
  EXPECT_FALSE(none.url);
  EXPECT_FALSE(none.event_types);
  EXPECT_EQ(problem_of(parse_update_hook(R"({"secret":"s"})")).field, "secret");
}

TEST(rotate_secret_request, overlap_is_a_duration_defaulting_to_a_day) {
  EXPECT_EQ(value_of(parse_rotate_secret(R"({"secret":"s"})")).overlap, std::chrono::hours{24});
  EXPECT_EQ(value_of(parse_rotate_secret(R"({"secret":"s","overlap":"90s"})")).overlap,
            std::chrono::seconds{90});
  EXPECT_EQ(value_of(parse_rotate_secret(R"({"secret":"s","overlap":"0"})")).overlap,
            std::chrono::milliseconds{0});
  for (const char* bad :
       {R"({"secret":"s","overlap":"soon"})", R"({"secret":"s","overlap":"-1s"})",
        R"({"secret":"s","overlap":"8761h"})", R"({"secret":"s","overlap":90})"}) {
    const problem p = problem_of(parse_rotate_secret(bad));
    EXPECT_EQ(p.status, 422) << bad;
    EXPECT_EQ(p.field, "overlap") << bad;
  }
  EXPECT_EQ(problem_of(parse_rotate_secret(R"({"overlap":"1h"})")).field, "secret");
}

TEST(replay_request, needs_a_hook_or_a_time) {
  EXPECT_EQ(value_of(parse_replay(R"({"hook_id":7})")).hook_id, std::optional<std::int64_t>{7});
  EXPECT_EQ(value_of(parse_replay(R"({"since":"2024-05-01T12:00:00Z"})")).since,
            std::optional<std::string>{"2024-05-01T12:00:00Z"});
  EXPECT_EQ(problem_of(parse_replay("{}")).field, "hook_id");
  EXPECT_EQ(problem_of(parse_replay(R"({"hook_id":0})")).field, "hook_id");
  EXPECT_EQ(problem_of(parse_replay(R"({"hook_id":1.5})")).field, "hook_id");
  EXPECT_EQ(problem_of(parse_replay(R"({"hook_id":"7"})")).field, "hook_id");
  EXPECT_EQ(problem_of(parse_replay(R"({"since":"yesterday"})")).field, "since");
}

TEST(rfc3339, accepts_the_profile_and_nothing_else) {
  for (const char* good :
       {"2024-05-01T12:00:00Z", "2024-05-01t12:00:00z", "2024-05-01 12:00:00Z",
        "2024-05-01T12:00:00.123456Z", "2024-05-01T12:00:00+02:00", "2024-12-31T23:59:60-11:30"})
    EXPECT_TRUE(is_rfc3339(good)) << good;
  for (const char* bad :
       {"", "2024-05-01", "2024-05-01T12:00:00", "2024-13-01T12:00:00Z", "2024-05-01T24:00:00Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+2:00", "2024-05-01T12:00:00Zjunk",
        "24-05-01T12:00:00Z", "2024-05-01T12:00:00.1234567890Z"})
    EXPECT_FALSE(is_rfc3339(bad)) << bad;
}

TEST(empty_body, is_empty_or_an_empty_object) {
  for (const char* fine : {"", " \n", "{}"})
    value_of(parse_empty_body(fine));
  EXPECT_EQ(problem_of(parse_empty_body(R"({"force":true})")).field, "force");
  EXPECT_EQ(problem_of(parse_empty_body("nope")).status, 400);
}

TEST(hook_list_query, state_and_paging) {
  const auto q = value_of(parse_hook_list_query("state=paused&after=10&limit=5"));
  EXPECT_EQ(q.state, std::optional<std::string>{"paused"});
  EXPECT_EQ(q.after, 10);
  EXPECT_EQ(q.limit, 5);
  const auto defaults = value_of(parse_hook_list_query(""));
  EXPECT_FALSE(defaults.state);
  EXPECT_EQ(defaults.after, 0);
  EXPECT_EQ(defaults.limit, 100);
  EXPECT_EQ(value_of(parse_hook_list_query("state=%61ctive&")).state,
            std::optional<std::string>{"active"});
  struct refusal {
    const char* query;
    int status;
    const char* field;
  };
  for (const auto& c : std::vector<refusal>{{"state=sleeping", 422, "state"},
                                            {"limit=0", 422, "limit"},
                                            {"limit=1001", 422, "limit"},
                                            {"limit=ten", 422, "limit"},
                                            {"after=-1", 422, "after"},
                                            {"sort=id", 400, "sort"},
                                            {"limit=1&limit=2", 400, "limit"},
                                            {"state=%zz", 400, ""},
                                            {"state=%", 400, ""},
                                            {"state=a%00", 400, ""}}) {
    const problem p = problem_of(parse_hook_list_query(c.query));
    EXPECT_EQ(p.status, c.status) << c.query;
    EXPECT_EQ(p.field, c.field) << c.query;
  }
}

TEST(dead_letter_list_query, hook_and_state) {
  const auto q = value_of(parse_dead_letter_list_query("hook_id=3&state=parked"));
  EXPECT_EQ(q.hook_id, std::optional<std::int64_t>{3});
  EXPECT_EQ(q.state, std::optional<std::string>{"parked"});
  EXPECT_EQ(problem_of(parse_dead_letter_list_query("hook_id=0")).field, "hook_id");
  EXPECT_EQ(problem_of(parse_dead_letter_list_query("state=active")).field, "state");
}

TEST(path_ids, are_positive_numbers_of_at_most_18_digits) {
  EXPECT_EQ(parse_id("42"), std::optional<std::int64_t>{42});
  EXPECT_EQ(parse_id("999999999999999999"), std::optional<std::int64_t>{999999999999999999});
  for (const char* bad : {"", "0", "-1", "1a", "1.0", " 1", "9999999999999999999"})
    EXPECT_FALSE(parse_id(bad)) << bad;
}

} // namespace
} // namespace courier::admin
