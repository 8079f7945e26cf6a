#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace courier::test {
namespace {

using namespace std::chrono_literals;

TEST(run_command, captures_output_and_exit_code) {
  auto r = run_command({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_FALSE(r.timed_out);
  EXPECT_NE(r.output.find("out\n"), std::string::npos);
  EXPECT_NE(r.output.find("err\n"), std::string::npos);
}

TEST(run_command, reports_a_missing_program) {
  auto r = run_command({"/nonexistent/courier-nothing"});
  EXPECT_EQ(r.exit_code, 127);
  EXPECT_NE(r.output.find("cannot execute"), std::string::npos) << r.output;
}

TEST(run_command, kills_the_process_group_on_timeout) {
  auto start = std::chrono::steady_clock::now();
  auto r = run_command({"sh", "-c", "sleep 30 & sleep 30"}, 200ms);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(run_command, removes_courier_variables_and_adds_extra_ones) {
  ::setenv("COURIER_LOG_FORMAT", "json", 1);
  command_options options;
  options.env = {"COURIER_DB=postgresql://x"};
  options.cwd = "/tmp";
  auto r = run_command({"sh", "-c", "echo \"[$COURIER_LOG_FORMAT][$COURIER_DB]\"; pwd"}, options);
  ::unsetenv("COURIER_LOG_FORMAT");
  EXPECT_EQ(r.output, "[][postgresql://x]\n/tmp\n");
}

TEST(shell_quote, quotes_only_when_needed) {
  EXPECT_EQ(shell_quote({"pg_ctl", "-o", "-p 5 -k /tmp/x", "it's"}),
            "pg_ctl -o '-p 5 -k /tmp/x' 'it'\\''s'");
}

TEST(child_process, signals_and_exit_codes) {
  child_process sleeper({"sleep", "30"});
  EXPECT_GT(sleeper.pid(), 0);
  EXPECT_TRUE(sleeper.running());
  sleeper.freeze();
  EXPECT_EQ(sleeper.wait_exit(50ms), std::nullopt);
  EXPECT_TRUE(sleeper.running());
  sleeper.thaw();
  sleeper.terminate();
  EXPECT_EQ(sleeper.wait_exit(5s), 128 + SIGTERM);
  EXPECT_FALSE(sleeper.running());

  child_process victim({"sleep", "30"});
  victim.kill9();
  EXPECT_EQ(victim.wait_exit(5s), 128 + SIGKILL);
}

TEST(child_process, logs_output_and_exit_status) {
  child_process p({"sh", "-c", "echo hello; echo oops >&2; exit 7"});
  EXPECT_EQ(p.wait_exit(5s), 7);
  EXPECT_EQ(p.log(), "hello\noops\n");
  EXPECT_EQ(p.exit_code(), 7);
}

TEST(child_process, destructor_kills_a_running_child) {
  pid_t pid = 0;
  {
    child_process p({"sleep", "30"});
    pid = p.pid();
  }
  EXPECT_NE(::kill(pid, 0), 0); // reaped: the pid no longer exists
}

TEST(courierd_process, points_at_the_build_dir) {
  EXPECT_EQ(courierd_process::binary_path(), std::string(COURIER_BINARY_DIR) + "/courierd");
  if (!courierd_process::available()) {
    GTEST_SKIP() << "courierd not built at " << courierd_process::binary_path();
  }
  courierd_process node({"--db", "postgresql://127.0.0.1:1/none", "--node_id", "t"});
  EXPECT_GT(node.pid(), 0);
  EXPECT_NE(node.log_path().find("courierd.log"), std::string::npos);
  node.kill9();
  EXPECT_TRUE(node.wait_exit(10s).has_value()); // killed, or already exited on its own
}

} // namespace
} // namespace courier::test
