// courier.hook_status tells an operator the truth: an error stays visible while the
// head event keeps failing and is gone once the stream has moved past it.
#include "tests/pg/pg_test_base.hpp"

namespace courier::test {
namespace {

class hook_status : public pg_test {
protected:
  std::string status(const std::string& column) {
    return pg_instance::exec_scalar(db_, "SELECT coalesce(" + column +
                                             "::text, '<null>') FROM courier.hook_status");
  }

  bool wait_status(const std::string& column, const std::function<bool(const std::string&)>& ok) {
    return sub_.wait_for([&] { return ok(status(column)); }, 30s);
  }
};

TEST_F(hook_status, last_error_is_cleared_once_the_failing_event_is_delivered) {
  auto id = hook("h");
  behaviour failing;
  failing.fixed_status = 503;
  sub_.set_behaviour("h", failing);
  start_node("n1");
  emit_to(db_, id, "first", "{}");
  ASSERT_TRUE(wait_status("last_error", [](const std::string& e) {
    return e.find("503") != std::string::npos;
  })) << status("last_error");

  sub_.clear_behaviour("h");
  ASSERT_TRUE(delivered_through("h", 1));
  // The flush that moves the cursor past seq 1 is the one that clears the error.
  ASSERT_TRUE(wait_status("next_seq", [](const std::string& s) { return s == "2"; }));
  EXPECT_EQ(status("last_error"), "<null>");
  EXPECT_EQ(status("last_error_at"), "<null>");
  EXPECT_EQ(status("head_attempts"), "0");

  // A new failure of a later event is shown again.
  failing.fixed_status = 502;
  sub_.set_behaviour("h", failing);
  emit_to(db_, id, "second", "{}");
  ASSERT_TRUE(wait_status("last_error", [](const std::string& e) {
    return e.find("502") != std::string::npos;
  })) << status("last_error");
  EXPECT_EQ(status("next_seq"), "2");
}

} // namespace
} // namespace courier::test
