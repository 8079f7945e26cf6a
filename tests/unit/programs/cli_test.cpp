// courierd and courierctl answer --help, -h and --version with exit 0; the usage text
// lists courierd's keys (from the key table) and courierctl's verbs.
#include "config/keys.hpp"
#include "runtime/ctl/verbs.hpp"
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

namespace courier::test {
namespace {

const std::string courierctl = std::string(COURIER_BINARY_DIR) + "/courierctl";

TEST(courierd_cli, help_lists_every_key_and_exits_0) {
  for (const std::string flag : {"--help", "-h"}) {
    const auto r = run_command({courierd_process::binary_path(), flag}, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 0) << flag << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("usage: courierd", 0), 0u) << r.output;
    for (const auto& spec : config::key_specs())
      EXPECT_NE(r.output.find("--" + std::string(spec.name) + " "), std::string::npos)
          << spec.name << " missing from\n"
          << r.output;
  }
}

TEST(courierd_cli, help_answers_even_beside_a_bad_flag) {
  const auto r = run_command({courierd_process::binary_path(), "--no_such_key", "1", "--help"},
                             std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("usage: courierd"), std::string::npos) << r.output;
}

TEST(courierd_cli, version) {
  const auto r =
      run_command({courierd_process::binary_path(), "--version"}, std::chrono::seconds(20));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, std::string("courierd ") + COURIER_VERSION + "\n");
}

TEST(courierctl_cli, help_lists_the_verbs_and_exits_0) {
  for (const std::string flag : {"--help", "-h"}) {
    const auto r = run_command({courierctl, flag}, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, 0) << flag << "\n" << r.output;
    EXPECT_EQ(r.output.rfind("usage: courierctl", 0), 0u) << r.output;
    EXPECT_NE(r.output.find("  migrate --db URL"), std::string::npos) << r.output;
    for (const char* verb :
         {"  cluster status [--db URL]", "  hooks create --url URL --secret S",
          "  hooks rotate-secret ID --secret S", "  dead replay ID", "  test --hook ID"})
      EXPECT_NE(r.output.find(verb), std::string::npos) << verb << "\n" << r.output;
  }
  // Every verb's own --help describes it (exit 0), never an attempt to run it.
  for (const auto& verb : ctl::verbs()) {
    std::vector<std::string> argv{courierctl};
    for (std::size_t at = 0, space; at < verb.words.size(); at = space + 1) {
      space = std::min(verb.words.find(' ', at), verb.words.size());
      argv.push_back(verb.words.substr(at, space - at));
    }
    argv.push_back("--help");
    const auto help = run_command(argv, std::chrono::seconds(20));
    EXPECT_EQ(help.exit_code, 0) << shell_quote(argv) << "\n" << help.output;
    EXPECT_EQ(help.output.rfind("usage: courierctl", 0), 0u) << help.output;
    EXPECT_NE(help.output.find(verb.words + " " + verb.synopsis), std::string::npos) << help.output;
  }
}

TEST(courierctl_cli, version_and_usage_errors) {
  const auto version = run_command({courierctl, "--version"}, std::chrono::seconds(20));
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_EQ(version.output, std::string("courierctl ") + COURIER_VERSION + "\n");
  const auto none = run_command({courierctl}, std::chrono::seconds(20));
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("no command given"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("usage: courierctl"), std::string::npos) << none.output;
  // Usage errors exit 2 before anything is sent; a node that is not there is a failure (1).
  const std::string closed = "http://127.0.0.1:1";
  struct expectation {
    std::vector<std::string> args;
    int exit_code;
    std::string says;
  };
  const std::vector<expectation> cases = {
      {{"hooks", "frobnicate"}, 2, "unknown command 'hooks frobnicate'"},
      {{"hooks", "get"}, 2, "hook ID is required"},
      {{"hooks", "get", "abc"}, 2, "must be a positive number"},
      {{"hooks", "get", "1", "2"}, 2, "unexpected '2'"},
      {{"hooks", "list", "--colour", "red"}, 2, "does not take --colour"},
      {{"hooks", "create", "--url", "http://x/"}, 2, "--secret is required"},
      {{"hooks", "update", "1"}, 2, "nothing to change"},
      {{"dead", "replay"}, 2, "which dead letters?"},
      {{"dead", "replay", "3", "--hook", "1"}, 2, "not both"},
      {{"test"}, 2, "--hook ID is required"},
      {{"hooks", "list", "--limit"}, 2, "needs a value"},
      {{"--admin", "https://127.0.0.1:1", "hooks", "list"}, 2, "plain HTTP"},
      {{"--admin", closed, "hooks", "list"}, 1, "no answer from the admin API"},
      {{"--admin", closed, "--json", "cluster", "status"}, 1, "no answer from the admin API"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{courierctl};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = run_command(argv, std::chrono::seconds(20));
    EXPECT_EQ(r.exit_code, c.exit_code) << shell_quote(argv) << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << shell_quote(argv) << "\n" << r.output;
  }
}

} // namespace
} // namespace courier::test
