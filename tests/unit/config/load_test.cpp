// load(): defaults and the precedence flags > environment > file > defaults.
#include "config_test_support.hpp"

#include <unistd.h>

namespace courier::config {
namespace {

using namespace std::chrono_literals;
using test::load_error;
using test::load_with;
using test::temp_dir;
using ms = std::chrono::milliseconds;

TEST(load, defaults) {
  const node_config c = load_with({});
  EXPECT_EQ(c.db, test::test_db);
  EXPECT_EQ(c.partitions, 256);
  EXPECT_EQ(c.admin_listen, "127.0.0.1:8480");
  EXPECT_EQ(c.admin_token, "");
  EXPECT_FALSE(c.allow_private_targets);
  EXPECT_EQ(c.http_timeout, 15000ms);
  EXPECT_EQ(c.max_in_flight, 256);
  EXPECT_EQ(c.retry_schedule, (std::vector<ms>{5s, 30s, 2min, 10min, 30min, 1h, 2h, 4h, 8h, 8h}));
  EXPECT_EQ(c.poison, poison_policy::block);
  EXPECT_EQ(c.max_attempts, 10);
  EXPECT_EQ(c.lease_self_expiry, 5000ms);
  EXPECT_EQ(c.shutdown_grace, 10000ms);
  EXPECT_EQ(c.log_format, "text");
  EXPECT_EQ(c.log_level, "info");
  EXPECT_EQ(c.ca_file, "");
  EXPECT_EQ(c.db_pool_size, 4);
  EXPECT_EQ(c.poll_interval, 2000ms);
  EXPECT_EQ(c.lease_tick, 500ms);
  EXPECT_EQ(c.cursor_flush_interval, 50ms);
  EXPECT_EQ(c.max_response_body, 65536);
  EXPECT_EQ(c.restart_max, 5);
  EXPECT_EQ(c.restart_window, 60s);
  EXPECT_EQ(c.quarantine, 60s);
}

TEST(load, default_node_id_is_hostname_dash_pid) {
  const node_config c = load_with({});
  const std::string suffix = "-" + std::to_string(::getpid());
  ASSERT_GT(c.node_id.size(), suffix.size());
  EXPECT_LE(c.node_id.size(), 64u);
  EXPECT_EQ(c.node_id.substr(c.node_id.size() - suffix.size()), suffix);
}

TEST(load, db_is_required) {
  const config_error e = load_error({}, {});
  EXPECT_EQ(e.key, "db");
  EXPECT_NE(std::string(e.what()).find("config key 'db'"), std::string::npos) << e.what();
}

TEST(load, file_values_apply) {
  temp_dir dir;
  const auto path = dir.write("c.toml", "partitions = 8\nnode_id = \"n1\"\n");
  const node_config c = load_with({"--config", path});
  EXPECT_EQ(c.partitions, 8);
  EXPECT_EQ(c.node_id, "n1");
}

TEST(load, env_overrides_file) {
  temp_dir dir;
  const auto path = dir.write("c.toml", "partitions = 8\nmax_in_flight = 3\n");
  const node_config c =
      load_with({"--config", path}, {"COURIER_DB=postgres://h/d", "COURIER_PARTITIONS=16"});
  EXPECT_EQ(c.partitions, 16);
  EXPECT_EQ(c.max_in_flight, 3);
}

TEST(load, flags_override_env) {
  temp_dir dir;
  const auto path = dir.write("c.toml", "partitions = 8\n");
  const node_config c = load_with({"--config", path, "--partitions", "32"},
                                  {"COURIER_DB=postgres://h/d", "COURIER_PARTITIONS=16"});
  EXPECT_EQ(c.partitions, 32);
}

TEST(load, flag_equals_form) {
  const node_config c = load_with({"--partitions=12", "--db=host=h dbname=d", "--admin_token="});
  EXPECT_EQ(c.partitions, 12);
  EXPECT_EQ(c.db, "host=h dbname=d");
  EXPECT_EQ(c.admin_token, "");
}

TEST(load, config_file_from_env) {
  temp_dir dir;
  const auto path = dir.write("c.toml", "db = \"postgres://file/db\"\n");
  EXPECT_EQ(load_with({}, {"COURIER_CONFIG=" + path}).db, "postgres://file/db");
}

TEST(load, config_flag_overrides_config_env) {
  temp_dir dir;
  const auto a = dir.write("a.toml", "partitions = 1\n");
  const auto b = dir.write("b.toml", "partitions = 2\n");
  const node_config c =
      load_with({"--config=" + b}, {"COURIER_DB=postgres://h/d", "COURIER_CONFIG=" + a});
  EXPECT_EQ(c.partitions, 2);
}

TEST(load, later_flag_wins) {
  EXPECT_EQ(load_with({"--partitions", "3", "--partitions", "4"}).partitions, 4);
}

TEST(load, unknown_env_vars_are_ignored) {
  const node_config c = load_with({}, {"COURIER_DB=postgres://h/d", "COURIER_FROBNICATE=1",
                                       "COURIER_partitions=7", "PARTITIONS=9", "PATH=/bin"});
  EXPECT_EQ(c.partitions, 256);
}

TEST(load, env_names_are_upper_case_keys) {
  const node_config c =
      load_with({}, {"COURIER_DB=postgres://h/d", "COURIER_ALLOW_PRIVATE_TARGETS=true",
                     "COURIER_HTTP_TIMEOUT_MS=2s", "COURIER_RETRY_SCHEDULE=100ms, 1s"});
  EXPECT_TRUE(c.allow_private_targets);
  EXPECT_EQ(c.http_timeout, 2s);
  EXPECT_EQ(c.retry_schedule, (std::vector<ms>{100ms, 1s}));
}

TEST(load, unknown_flag_is_an_error) {
  const config_error e = load_error({"--frobnicate", "1"});
  EXPECT_EQ(e.key, "frobnicate");
  EXPECT_STREQ(e.what(), "config key 'frobnicate': unknown key (from --frobnicate)");
}

TEST(load, flag_without_value_is_named) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--partitions"}, {"--partitions", "--max_in_flight", "3"}, {"--config"}}) {
    const config_error e = load_error(args);
    EXPECT_EQ(e.key, args[0].substr(2));
    EXPECT_NE(std::string(e.what()).find("missing value"), std::string::npos) << e.what();
  }
}

TEST(load, positional_argument_is_an_error) {
  const config_error e = load_error({"serve"});
  EXPECT_NE(std::string(e.what()).find("'serve'"), std::string::npos) << e.what();
}

TEST(load, missing_config_file_is_an_error) {
  temp_dir dir;
  const config_error e = load_error({"--config", dir.path() + "/nope.toml"});
  EXPECT_EQ(e.key, "config");
  EXPECT_NE(std::string(e.what()).find("nope.toml"), std::string::npos) << e.what();
}

TEST(load, config_directory_is_an_error) {
  temp_dir dir;
  EXPECT_EQ(load_error({"--config", dir.path()}).key, "config");
}

TEST(load, booleans_are_exactly_true_or_false) {
  EXPECT_TRUE(load_with({"--allow_private_targets", "true"}).allow_private_targets);
  EXPECT_FALSE(load_with({"--allow_private_targets", "false"}).allow_private_targets);
  for (const char* bad : {"TRUE", "True", "yes", "1", "on", "", "truee"}) {
    const config_error e = load_error({"--allow_private_targets", bad});
    EXPECT_EQ(e.key, "allow_private_targets") << bad;
    EXPECT_NE(std::string(e.what()).find("expected true or false"), std::string::npos) << e.what();
  }
}

TEST(load, bad_value_is_reported_once_overridden) {
  // A broken value in a lower-precedence source does not matter once a flag replaces it.
  temp_dir dir;
  const auto path = dir.write("c.toml", "partitions = 0\n");
  EXPECT_EQ(load_with({"--config", path, "--partitions", "5"}).partitions, 5);
}

TEST(load, error_names_the_source) {
  temp_dir dir;
  const auto path = dir.write("c.toml", "# comment\npartitions = zero\n");
  EXPECT_STREQ(load_error({"--config", path}).what(),
               ("config key 'partitions': expected an integer from 1 to 65536, got 'zero' (from " +
                path + " line 2)")
                   .c_str());
  EXPECT_STREQ(load_error({}, {"COURIER_DB=postgres://h/d", "COURIER_HTTP_TIMEOUT_MS=abc"}).what(),
               "config key 'http_timeout_ms': expected a positive duration (e.g. 15000 or 15s), "
               "got 'abc' (from COURIER_HTTP_TIMEOUT_MS)");
}

TEST(load, poison_policy_and_durations) {
  const node_config c =
      load_with({"--poison_policy", "dead_letter", "--max_attempts", "3", "--shutdown_grace_ms",
                 "0", "--lease_self_expiry_ms", "10s", "--lease_tick_ms", "1s"});
  EXPECT_EQ(c.poison, poison_policy::dead_letter);
  EXPECT_EQ(c.max_attempts, 3);
  EXPECT_EQ(c.shutdown_grace, 0ms);
  EXPECT_EQ(c.lease_self_expiry, 10s);
  EXPECT_EQ(c.lease_tick, 1s);
}

} // namespace
} // namespace courier::config
