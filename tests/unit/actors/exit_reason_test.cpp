// Exit reasons keep the error's class: what a failed actor's supervisor reads back is
// the class it failed with; anything not made by courier counts as permanent.
#include "actors/exit_reason.hpp"

#include <caf/exit_reason.hpp>
#include <caf/sec.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace courier {
namespace {

TEST(exit_reason, every_class_survives_the_round_trip) {
  for (auto code : {errc::retryable, errc::permanent, errc::fenced}) {
    auto reason = exit_reason({code, "what went wrong"});
    ASSERT_TRUE(reason);
    auto back = failure_of(reason);
    EXPECT_EQ(back.code, code) << to_string(code);
    EXPECT_EQ(back.message, "what went wrong");
  }
}

TEST(exit_reason, caf_reasons_are_permanent) {
  for (caf::error reason :
       {caf::error{caf::exit_reason::kill}, caf::error{caf::exit_reason::user_shutdown},
        caf::error{caf::sec::unexpected_message}}) {
    EXPECT_EQ(failure_of(reason).code, errc::permanent) << caf::to_string(reason);
    EXPECT_FALSE(failure_of(reason).message.empty());
  }
}

TEST(exit_reason, escaped_exceptions_are_permanent_with_their_message) {
  auto eptr = std::make_exception_ptr(std::runtime_error{"bad row"});
  auto failure = failure_of(exception_to_error(nullptr, eptr));
  EXPECT_EQ(failure.code, errc::permanent);
  EXPECT_EQ(failure.message, "bad row");
  auto odd = std::make_exception_ptr(42);
  EXPECT_EQ(failure_of(exception_to_error(nullptr, odd)).code, errc::permanent);
}

TEST(exit_reason, text_names_the_class) {
  EXPECT_EQ(to_string(error{errc::fenced, "epoch 3 moved on"}), "fenced: epoch 3 moved on");
  EXPECT_EQ(to_string(with_context({errc::retryable, "connection lost"}, "fetching events")),
            "retryable: fetching events: connection lost");
}

} // namespace
} // namespace courier
