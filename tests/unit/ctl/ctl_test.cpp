// courierctl's pieces (runtime/ctl): the command line and the tables for people.
#include "runtime/ctl/command_line.hpp"
#include "runtime/ctl/table.hpp"

#include <gtest/gtest.h>

namespace courier::ctl {
namespace {

command_line parse(std::vector<const char*> args) {
  args.insert(args.begin(), "courierctl");
  return parse_command_line(static_cast<int>(args.size()), args.data());
}

TEST(command_line, options_and_flags_stand_anywhere) {
  auto line = parse({"hooks", "--json", "get", "--admin=http://h:1", "7", "--token", "t"});
  EXPECT_EQ(line.words, (std::vector<std::string>{"hooks", "get", "7"}));
  EXPECT_TRUE(line.json);
  EXPECT_EQ(line.option("admin"), std::optional<std::string>{"http://h:1"});
  EXPECT_EQ(line.option("token"), std::optional<std::string>{"t"});
  EXPECT_FALSE(line.option("db"));
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
  EXPECT_EQ(parse({"--url", "a", "--url", "b"}).option("url"), std::optional<std::string>{"b"});
  EXPECT_THROW(parse({"hooks", "list", "--state"}), usage_error);
}

TEST(command_line, environment_fills_in_what_the_line_leaves_out) {
  ::setenv("COURIERCTL_TEST_VALUE", "from-env", 1);
  EXPECT_EQ(parse({}).option("admin", "COURIERCTL_TEST_VALUE"),
            std::optional<std::string>{"from-env"});
  EXPECT_EQ(parse({"--admin", "flag"}).option("admin", "COURIERCTL_TEST_VALUE"),
            std::optional<std::string>{"flag"});
  ::unsetenv("COURIERCTL_TEST_VALUE");
}

TEST(table, columns_align_on_the_widest_cell) {
  table t{{"ID", "STATE", "URL"}};
  t.add_row({"1", "active", "http://a/"});
  t.add_row({"100", "paused", "http://b/"});
  EXPECT_EQ(t.render(), "ID   STATE   URL\n"
                        "1    active  http://a/\n"
                        "100  paused  http://b/\n");
}

TEST(table, key_values_align_their_values) {
  EXPECT_EQ(key_values({{"id", "1"}, {"backlog", "0"}}), "id:       1\nbacklog:  0\n");
}

TEST(table, cells_from_json) {
  EXPECT_EQ(cell(json()), "-");
  EXPECT_EQ(cell(json("text")), "text");
  EXPECT_EQ(cell(json::array({"a", "b.*"})), "a,b.*");
  EXPECT_EQ(cell(json(3)), "3");
  EXPECT_EQ(cell(json("line\nbreak")), "line\\nbreak");
  EXPECT_TRUE(member(json(5), "id").is_null());
  EXPECT_TRUE(member(json::object(), "id").is_null());
  EXPECT_EQ(member(json{{"id", 2}}, "id"), 2);
}

} // namespace
} // namespace courier::ctl
