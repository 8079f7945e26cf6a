// The admin listener with admin_token set (CONTRACT.md "Admin endpoints that never need
// the token"): probes and scrapers need no secret, every other request needs the token.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/admin_client.hpp"

#include <thread>

namespace courier::test {
namespace {

class admin_token : public pg_test {};

constexpr const char* token = "s3cret-admin-token";

TEST_F(admin_token, probes_and_metrics_are_open_everything_else_needs_it) {
  auto& node = start_node("n1", {"--partitions", "8", "--admin_token", token});
  const auto port = wait_admin_port(node, 30s);
  ASSERT_TRUE(port) << node.log();

  EXPECT_EQ(admin_request(*port, "GET", "/healthz").status, 200);
  // A Kubernetes probe sends no token: /readyz must turn 200 for it once leases are held.
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  admin_reply ready;
  while ((ready = admin_request(*port, "GET", "/readyz")).status != 200 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_EQ(ready.status, 200) << ready.body << ready.error;
  const admin_reply metrics = admin_request(*port, "GET", "/metrics?scrape=1");
  EXPECT_EQ(metrics.status, 200) << metrics.body;
  EXPECT_NE(metrics.body.find("courier_"), std::string::npos) << metrics.body.substr(0, 500);

  const std::string bearer = std::string("Bearer ") + token;
  struct gated {
    std::string method, target, authorization;
    int status;
  };
  const std::vector<gated> cases = {
      {"GET", "/hooks", "", 401},
      {"GET", "/hooks", "Bearer wrong-token", 401},
      {"GET", "/hooks", bearer + "x", 401},
      {"GET", "/hooks", std::string("Bearer ") + std::string(token).substr(1), 401},
      {"GET", "/hooks", std::string("Basic ") + token, 401},
      {"POST", "/hooks", "", 401},
      {"GET", "/hooks", bearer, 404}, // past the gate: the path does not exist
      {"GET", "/hooks", std::string("bearer ") + token, 404},
      {"POST", "/healthz", "", 405},
  };
  for (const auto& c : cases) {
    const admin_reply r = admin_request(*port, c.method, c.target, c.authorization);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " with '" << c.authorization
                                  << "': " << r.body << r.error;
  }
}

} // namespace
} // namespace courier::test
