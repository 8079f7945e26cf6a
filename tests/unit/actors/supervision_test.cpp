// child_registry and watch_children: how supervisors track the children they monitor,
// on CAF's deterministic test scheduler.
#include "actors/supervision.hpp"

#include "actor_test_support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace courier {
namespace {

using namespace courier::testing;

using child = caf::typed_actor<caf::reacts_to<int>>;

child::behavior_type idle_child() {
  return {[](int) {
  }};
}

struct ended {
  std::string key;
  caf::error reason;
};

struct parent_state {
  child_registry<std::string> children;
};

using parent = caf::typed_actor<caf::reacts_to<std::string>>;

class supervision_test : public actor_fixture {};

TEST_F(supervision_test, registry_tracks_children_and_forgets_each_once) {
  auto a = sys.spawn(idle_child);
  auto b = sys.spawn(idle_child);
  kill_at_teardown(a);
  kill_at_teardown(b);
  child_registry<int> children;
  EXPECT_TRUE(children.empty());
  children.add(a, 1);
  children.add(b, 2);
  EXPECT_EQ(children.forget(b.address()), std::optional<int>{2});
  EXPECT_EQ(children.forget(b.address()), std::nullopt);
  EXPECT_FALSE(children.empty());
  EXPECT_EQ(children.forget(a.address()), std::optional<int>{1});
  EXPECT_TRUE(children.empty());
}

// A parent spawns one monitored child per string it receives and records the ends.
TEST_F(supervision_test, watch_children_routes_only_tracked_ends_with_their_reason) {
  auto ends = std::make_shared<std::vector<ended>>();
  auto spawned = std::make_shared<std::vector<child>>();
  auto p = sys.spawn(
      [](parent::stateful_pointer<parent_state> self, std::shared_ptr<std::vector<ended>> ends,
         std::shared_ptr<std::vector<child>> spawned) -> parent::behavior_type {
        watch_children(self, self->state.children,
                       [ends](const std::string& key, const caf::error& reason) {
                         ends->push_back({key, reason});
                       });
        return {[=](std::string& key) {
          auto c = self->spawn<caf::monitored>(idle_child);
          spawned->push_back(c);
          if (key != "untracked")
            self->state.children.add(c, key);
        }};
      },
      ends, spawned);
  kill_at_teardown(p);
  for (const char* key : {"first", "second", "untracked"})
    caf::anon_send(p, std::string{key});
  run();
  ASSERT_EQ(spawned->size(), 3u);

  caf::anon_send_exit((*spawned)[1], caf::exit_reason::kill);
  caf::anon_send_exit((*spawned)[2], caf::exit_reason::kill);
  run();
  ASSERT_EQ(ends->size(), 1u); // the untracked child's end is ignored
  EXPECT_EQ(ends->front().key, "second");
  EXPECT_EQ(ends->front().reason, caf::exit_reason::kill);

  caf::anon_send_exit((*spawned)[0], caf::exit_reason::user_shutdown);
  run();
  ASSERT_EQ(ends->size(), 2u);
  EXPECT_EQ(ends->back().key, "first");
  EXPECT_EQ(ends->back().reason, caf::exit_reason::user_shutdown);
}

} // namespace
} // namespace courier
