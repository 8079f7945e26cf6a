// deploy/courierd.service read by systemd-analyze, and its stop timeout against the
// drain that deploy/courierd.example.toml configures.
#include "deploy_support.hpp"

#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace courier::test {
namespace {

using namespace std::chrono_literals;

const std::string installed_binary = "/usr/local/bin/courierd";

TEST(systemd_unit, systemd_analyze_verify_passes) {
  const auto analyze = find_tool("systemd-analyze");
  if (analyze.empty())
    GTEST_SKIP() << not_installed("systemd-analyze", "systemd");
  ASSERT_TRUE(courierd_process::available()) << courierd_process::binary_path();
  // verify also checks that ExecStart's program exists: point it at this build's courierd
  // (the unit names the installed path).
  auto unit = read_text(source_path("deploy/courierd.service"));
  ASSERT_EQ(replace_all(unit, installed_binary, courierd_process::binary_path()), 1)
      << "ExecStart no longer runs " << installed_binary;
  scratch_dir dir{"courier-unit-"};
  write_text(dir.file("courierd.service"), unit);

  const auto r = run_command({analyze, "verify", dir.file("courierd.service")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  // Unknown keys and bad values are only warnings to systemd; here they fail.
  EXPECT_EQ(r.output.find("courierd.service"), std::string::npos) << r.output;
}

TEST(systemd_unit, stop_timeout_outlasts_the_drain) {
  const auto unit = read_text(source_path("deploy/courierd.service"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(unit, m, std::regex{R"(\nTimeoutStopSec=(\d+)\n)"}))
      << "no TimeoutStopSec=<seconds> in the unit";
  const std::chrono::milliseconds stop_timeout = std::chrono::seconds{std::stoi(m[1])};
  const auto cfg = load_node_config(read_text(source_path("deploy/courierd.example.toml")), {});
  // courierd gives up 5 s after shutdown_grace_ms (runtime/node/node.cpp); systemd must
  // not SIGKILL it before that.
  EXPECT_GT(stop_timeout.count(), (cfg.shutdown_grace + 5s).count()) << "milliseconds";
  EXPECT_NE(unit.find("\nKillSignal=SIGTERM\n"), std::string::npos);
}

} // namespace
} // namespace courier::test
