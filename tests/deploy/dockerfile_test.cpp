// deploy/Dockerfile, which cannot be built here (no registry for its base image): it must
// stay a thin wrapper of the build scripts CI runs, run courierd as a non-root user, and
// agree with the Kubernetes manifests on that user and the admin port.
#include "deploy_support.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace courier::test {
namespace {

class dockerfile : public ::testing::Test {
protected:
  std::string text = read_text(source_path("deploy/Dockerfile"));

  bool has(const std::string& pattern) const {
    return std::regex_search(text, std::regex{pattern, std::regex::multiline});
  }
};

TEST_F(dockerfile, builds_with_the_ci_scripts_on_debian_12) {
  EXPECT_TRUE(has(R"(^FROM debian:12 AS build$)"));
  EXPECT_TRUE(has(R"(^RUN deploy/install-deps\.sh )"));
  EXPECT_TRUE(has(R"(deploy/build\.sh -DCOURIER_TESTS=OFF)"));
  EXPECT_TRUE(has(R"(^FROM debian:12-slim$)"));
  // Runtime packages come from the binaries' own libraries, never from a hand-kept list.
  EXPECT_TRUE(has(R"(ldd /build/courierd /build/courierctl)"));
  EXPECT_FALSE(has(R"(apt-get install[^\n]*lib(pq|caf|pqxx|spdlog))"));
}

TEST_F(dockerfile, runs_courierd_as_the_user_the_manifests_expect) {
  std::smatch user;
  ASSERT_TRUE(std::regex_search(text, user, std::regex{R"(\nUSER (\d+):(\d+)\n)"}));
  EXPECT_NE(user[1], "0");
  EXPECT_TRUE(has(R"(^ENTRYPOINT \["/usr/local/bin/courierd"\]$)"));
  EXPECT_TRUE(has(R"(^EXPOSE 8480$)"));

  const auto statefulset = read_text(source_path("deploy/k8s/base/statefulset.yaml"));
  EXPECT_NE(statefulset.find("runAsUser: " + user[1].str() + "\n"), std::string::npos);
  EXPECT_NE(statefulset.find("runAsGroup: " + user[2].str() + "\n"), std::string::npos);
}

} // namespace
} // namespace courier::test
