// The domain's vocabulary: ids that do not mix (checked by the compiler: these
// static_asserts are the test) and hook states as the store spells them.
#include "actors/domain/types.hpp"
#include "actors/ports/store.hpp"

#include <gtest/gtest.h>

#include <type_traits>
#include <utility>

namespace courier {
namespace {

// Whether T{A...} compiles (aggregates are not is_constructible with arguments in C++17).
template <class T, class... A>
auto brace(int) -> decltype(T{std::declval<A>()...}, std::true_type{});
template <class T, class... A> std::false_type brace(...);
template <class T, class... A>
constexpr bool brace_constructible = decltype(brace<T, A...>(0))::value;

static_assert(brace_constructible<cursor_update, hook_id, partition_id, lease_epoch, stream_seq>);
static_assert(!brace_constructible<cursor_update, stream_seq, partition_id, lease_epoch, hook_id>,
              "hook and seq swapped");
static_assert(!brace_constructible<cursor_update, hook_id, lease_epoch, partition_id, stream_seq>,
              "partition and epoch swapped");
static_assert(!brace_constructible<cursor_update, std::int64_t, int, std::int64_t, std::int64_t>,
              "plain integers");
static_assert(!std::is_convertible_v<std::int64_t, hook_id>);
static_assert(!std::is_convertible_v<hook_id, std::int64_t>);
static_assert(!std::is_convertible_v<partition_id, int>);
static_assert(!std::is_convertible_v<lease_epoch, stream_seq>);

// The store's signatures take the types, so a call with arguments swapped fails too.
using fetch_callback = callback<std::vector<outbox_event>>;
static_assert(std::is_invocable_v<decltype(&store::fetch_events), store&, hook_id, stream_seq, int,
                                  std::int64_t, fetch_callback>);
static_assert(!std::is_invocable_v<decltype(&store::fetch_events), store&, stream_seq, hook_id, int,
                                   std::int64_t, fetch_callback>,
              "hook and seq swapped");

TEST(ids, raw_gives_back_the_integer) {
  EXPECT_EQ(raw(hook_id{7}), 7);
  EXPECT_EQ(raw(partition_id{255}), 255);
  EXPECT_EQ(raw(lease_epoch{1LL << 40}), 1LL << 40);
  EXPECT_EQ(raw(stream_seq{-1}), -1);
  EXPECT_LT(stream_seq{2}, stream_seq{10});
}

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
