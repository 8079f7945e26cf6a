// Guarantee 1 through a real crash: kill -9 mid-stream, restart, nothing lost and
// per-hook order kept (redelivery of a few events is allowed).
#include "tests/pg/pg_test_base.hpp"

#include <thread>

namespace courier::test {
namespace {

class crash : public pg_test {};

TEST_F(crash, kill_9_mid_stream_then_restart_loses_nothing) {
  constexpr int hooks = 5;
  constexpr std::int64_t per_hook = 600;
  std::vector<std::int64_t> ids;
  for (int h = 0; h < hooks; ++h)
    ids.push_back(hook("h" + std::to_string(h)));
  behaviour slow; // slow enough that the kill lands mid-stream
  slow.delay_ms = 2;
  sub_.set_default_behaviour(slow);
  for (auto id : ids)
    emit_numbered_to(db_, id, "n", per_hook);
  auto& first = start_node("n1");
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count() >= 600; }, 30s));
  first.kill9();
  ASSERT_TRUE(first.wait_exit(5s).has_value());
  auto before_restart = sub_.count();
  EXPECT_LT(before_restart, static_cast<std::size_t>(hooks * per_hook)) << "kill came too late";
  start_node("n2");
  for (int h = 0; h < hooks; ++h)
    ASSERT_TRUE(delivered_through("h" + std::to_string(h), per_hook, 60s)) << "hook h" << h;
  EXPECT_TRUE(sub_.order_violations().empty());
  std::size_t dups = 0;
  for (int h = 0; h < hooks; ++h)
    dups += sub_.duplicates("h" + std::to_string(h));
  std::cout << "[crash] delivered before kill: " << before_restart
            << ", redelivered after restart: " << dups << "\n";
}

} // namespace
} // namespace courier::test
