// The domain's vocabulary: hook states as the store spells them.
#include "actors/domain/types.hpp"

#include <gtest/gtest.h>

namespace courier {
namespace {

TEST(hook_state, round_trips_through_the_store_spelling) {
  for (auto s : {hook_state::active, hook_state::paused, hook_state::disabled})
    EXPECT_EQ(hook_state_from_string(to_string(s)), s) << to_string(s);
  EXPECT_STREQ(to_string(hook_state::active), "active");
  EXPECT_STREQ(to_string(hook_state::paused), "paused");
  EXPECT_STREQ(to_string(hook_state::disabled), "disabled");
}

TEST(hook_state, unknown_spellings_are_refused) {
  for (const char* text : {"", "Active", "quarantined", "active ", "deleted"})
    EXPECT_EQ(hook_state_from_string(text), std::nullopt) << text;
}

} // namespace
} // namespace courier
