// courierd's start-up contract: bad configuration exits 2 with one line naming the
// key; a node that disagrees with the cluster's partition count refuses to start.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/command.hpp"
#include "tests/support/startup_exit.hpp"

#include <pqxx/pqxx>

#include <thread>

namespace courier::test {
namespace {

class startup : public pg_test {};

TEST_F(startup, bad_configuration_exits_2_naming_the_key) {
  struct bad {
    std::vector<std::string> args;
    std::string key;
  };
  const std::vector<bad> cases = {
      {{"--db", db_, "--http_timeout_ms", "soon"}, "http_timeout_ms"},
      {{"--db", db_, "--poison_policy", "explode"}, "poison_policy"},
      {{"--db", db_, "--retry_schedule", "5s,,1m"}, "retry_schedule"},
      {{"--db", db_, "--admin_listen", "0.0.0.0:8480"}, "admin_token"},
      {{"--db", db_, "--no_such_key", "1"}, "no_such_key"},
      {{"--http_timeout_ms", "100"}, "db"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {courierd_process::binary_path()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    auto r = run_command(argv, 20s);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find("'" + c.key + "'"), std::string::npos) << r.output;
  }
  command_options env_only;
  env_only.env = {"COURIER_DB=" + db_, "COURIER_MAX_IN_FLIGHT=lots"};
  auto r = run_command({courierd_process::binary_path()}, env_only);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("max_in_flight"), std::string::npos) << r.output;
}

TEST_F(startup, partition_count_must_match_the_cluster) {
  auto& first = start_node("n1", {"--partitions", "64"});
  ASSERT_TRUE(nodes_->wait_partitions("n1", 64, 20s)) << first.log();
  auto& second = start_node("n2", {"--partitions", "128"});
  auto code = second.wait_exit(20s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_NE(second.log().find("'partitions'"), std::string::npos) << second.log();
}

TEST_F(startup, unmigrated_database_is_reported) {
  auto empty = pg_instance::shared().create_database("e", false);
  auto r = run_command({courierd_process::binary_path(), "--db", empty}, 30s);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("courierctl migrate"), std::string::npos) << r.output;
}

// Start-up waits on a lock held by a migration (or anyone): SIGTERM still ends it at once.
TEST_F(startup, sigterm_while_the_schema_check_waits_exits_0_at_once) {
  pqxx::connection holder{db_};
  pqxx::work lock{holder};
  lock.exec("LOCK TABLE courier.schema_migrations IN ACCESS EXCLUSIVE MODE");
  auto& node = start_node("n1");
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (scalar("SELECT count(*) FROM pg_locks WHERE NOT granted") == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(20ms);
  ASSERT_GT(scalar("SELECT count(*) FROM pg_locks WHERE NOT granted"), 0) << node.log();
  expect_prompt_exit_while_starting(node, SIGTERM);
}

} // namespace
} // namespace courier::test
