// deploy/prometheus/courier.rules.yml read by promtool: the rules load, and every alert's
// unit test (courier.rules.test.yml: synthetic series that make it fire and not fire) passes.
#include "deploy_support.hpp"

#include <gtest/gtest.h>

namespace courier::test {
namespace {

TEST(prometheus_rules, promtool_checks_them) {
  const auto promtool = find_tool("promtool");
  if (promtool.empty())
    GTEST_SKIP() << not_installed("promtool", "prometheus");
  const auto r =
      run_command({promtool, "check", "rules", source_path("deploy/prometheus/courier.rules.yml")});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("SUCCESS"), std::string::npos) << r.output;
}

TEST(prometheus_rules, every_alert_fires_and_stays_quiet_as_its_unit_test_says) {
  const auto promtool = find_tool("promtool");
  if (promtool.empty())
    GTEST_SKIP() << not_installed("promtool", "prometheus");
  const auto tests = source_path("deploy/prometheus/courier.rules.test.yml");
  const auto r = run_command({promtool, "test", "rules", tests});
  EXPECT_EQ(r.exit_code, 0) << r.output;

  // Every alert of the rules file has a case that expects it to fire and one that expects
  // it to stay quiet.
  const auto rules = read_text(source_path("deploy/prometheus/courier.rules.yml"));
  const auto cases = read_text(tests);
  const std::string marker = "- alert: ";
  int alerts = 0;
  for (auto at = rules.find(marker); at != std::string::npos; at = rules.find(marker, at + 1)) {
    const auto name = rules.substr(at + marker.size(), rules.find('\n', at) - at - marker.size());
    ++alerts;
    EXPECT_NE(cases.find("alertname: " + name + "\n        exp_alerts:\n          - exp_labels"),
              std::string::npos)
        << name << " has no test case in which it fires";
    EXPECT_NE(cases.find("alertname: " + name + "\n        exp_alerts: []"), std::string::npos)
        << name << " has no test case in which it stays quiet";
  }
  EXPECT_GE(alerts, 7);
}

} // namespace
} // namespace courier::test
