// Per-hook options (courier.configure_hook): what is accepted and refused, naming the
// option, and a hook's own settings applied by a running node beside hooks without any.
#include "tests/pg/pg_test_base.hpp"

namespace courier::test {
namespace {

class hook_options : public pg_test {
protected:
  std::string configure(std::int64_t id, const std::string& options_json) {
    return error_of("SELECT courier.configure_hook(" + std::to_string(id) + ", '" + options_json +
                    "'::jsonb)");
  }
  std::string stored(std::int64_t id) {
    pqxx::connection conn{db_};
    pqxx::nontransaction tx{conn};
    return tx.exec_params1("SELECT options::text FROM courier.hooks WHERE id = $1", id)[0]
        .as<std::string>();
  }
};

TEST_F(hook_options, configure_hook_validates_each_option_and_names_it) {
  const auto id = hook("h");
  EXPECT_EQ(configure(id, R"({"retry_schedule": "1s,5s", "max_attempts": 3,
                              "poison_policy": "dead_letter", "http_timeout_ms": 5000})"),
            "");
  EXPECT_EQ(stored(id), R"({"max_attempts": 3, "poison_policy": "dead_letter", )"
                        R"("retry_schedule": "1s,5s", "http_timeout_ms": 5000})");
  struct refused {
    std::string options, names;
  };
  const std::vector<refused> cases = {
      {R"({"retry_schedule": "1s,,5s"})", "retry_schedule"},
      {R"({"retry_schedule": "0s"})", "retry_schedule"},
      {R"({"retry_schedule": 5})", "retry_schedule"},
      {R"({"max_attempts": 0})", "max_attempts"},
      {R"({"max_attempts": 2.5})", "max_attempts"},
      {R"({"poison_policy": "drop"})", "poison_policy"},
      {R"({"http_timeout_ms": 10})", "http_timeout_ms"},
      {R"({"colour": "blue"})", "unknown option colour"},
      {R"({"ordering": "sideways"})", "ordering"},
      {R"({"max_in_flight_per_hook": 0})", "max_in_flight_per_hook"},
      {R"({"ordering": "none", "batch_max": 5})", "batches need ordering strict"},
      {R"({"batch_max": 0})", "batch_max"},
      {R"({"batch_max_bytes": 10})", "batch_max_bytes"},
      {R"({"rate_limit": 0})", "rate_limit"},
      {R"({"rate_limit": "5"})", "rate_limit"},
      {R"({"pause_after": "0h"})", "pause_after"},
      {R"({"pause_after": 60})", "pause_after"},
      {R"({"headers": ["x-a"]})", "headers"},
      {R"({"headers": {"bad name": "x"}})", "HTTP token"},
      {R"({"headers": {"x-a": 1}})", "string value"},
      {R"({"headers": {"x-a": "line\nbreak"}})", "printable ASCII"},
      {R"([1, 2])", "options must be a JSON object"},
  };
  for (const auto& c : cases) {
    auto error = configure(id, c.options);
    EXPECT_NE(error.find(c.names), std::string::npos) << c.options << " -> " << error;
  }
  EXPECT_NE(configure(id + 1000, "{}").find("no hook"), std::string::npos);
  // Nothing refused was stored; a null unsets one option.
  EXPECT_EQ(configure(id, R"({"max_attempts": null, "poison_policy": null})"), "");
  EXPECT_EQ(stored(id), R"({"retry_schedule": "1s,5s", "http_timeout_ms": 5000})");
}

TEST_F(hook_options, a_hooks_own_dead_letter_policy_parks_while_block_hooks_keep_blocking) {
  const auto own = hook("own");
  const auto node_wide = hook("node_wide");
  ASSERT_EQ(configure(own, R"({"poison_policy": "dead_letter", "max_attempts": 2})"), "");
  behaviour failing;
  failing.fixed_status = 500;
  sub_.set_behaviour("own", failing);
  sub_.set_behaviour("node_wide", failing);
  start_node("n1", {"--poison_policy", "block", "--retry_schedule", "50ms"});
  emit(db_, "poison", "{}");
  ASSERT_TRUE(
      sub_.wait_for([&] { return scalar("SELECT count(*) FROM courier.dead_letters") >= 1; }, 15s));
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count("node_wide") >= 4; }, 15s));
  EXPECT_EQ(scalar("SELECT hook_id FROM courier.dead_letters"), own);
  EXPECT_EQ(scalar("SELECT attempts FROM courier.dead_letters"), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM courier.dead_letters WHERE hook_id = " +
                   std::to_string(node_wide)),
            0);
  // A change reaches the running node: the node-wide hook now parks too.
  ASSERT_EQ(configure(node_wide, R"({"poison_policy": "dead_letter", "max_attempts": 1})"), "");
  EXPECT_TRUE(sub_.wait_for(
      [&] {
        return scalar("SELECT count(*) FROM courier.dead_letters WHERE hook_id = " +
                      std::to_string(node_wide)) == 1;
      },
      15s));
}

} // namespace
} // namespace courier::test
