#include "tests/support/startup_exit.hpp"

#include <gtest/gtest.h>

namespace courier::test {

void expect_prompt_exit_while_starting(child_process& node, int signal) {
  constexpr std::chrono::milliseconds bound{2500};
  ASSERT_TRUE(node.running()) << "exited before the signal:\n" << node.log();
  const auto sent = std::chrono::steady_clock::now();
  node.send(signal);
  const auto code = node.wait_exit(bound);
  ASSERT_TRUE(code.has_value()) << "still running 2.5 s after the signal\n" << node.log();
  EXPECT_EQ(*code, 0) << node.log();
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - sent);
  EXPECT_LT(took.count(), bound.count()) << "ms to exit";
  const std::string name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
  EXPECT_NE(node.log().find("received " + name + " while starting"), std::string::npos)
      << node.log();
}

} // namespace courier::test
