// courierd and courierctl answer --help, -h and --version with exit 0; the usage text
// lists courierd's keys (from the key table) and courierctl's verbs.
#include "config/keys.hpp"
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
    EXPECT_NE(r.output.find("  cluster status --db URL [--json]"), std::string::npos) << r.output;
  }
  // A verb's own --help is the same answer, not an attempt to run it.
  const auto verb_help = run_command({courierctl, "migrate", "--help"}, std::chrono::seconds(20));
  EXPECT_EQ(verb_help.exit_code, 0) << verb_help.output;
}

TEST(courierctl_cli, version_and_usage_errors) {
  const auto version = run_command({courierctl, "--version"}, std::chrono::seconds(20));
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_EQ(version.output, std::string("courierctl ") + COURIER_VERSION + "\n");
  const auto none = run_command({courierctl}, std::chrono::seconds(20));
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("no command given"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("usage: courierctl"), std::string::npos) << none.output;
}

} // namespace
} // namespace courier::test
