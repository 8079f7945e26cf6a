// Values echoed back to the operator (config errors, the startup line) are escaped:
// bytes that are not UTF-8 and control characters as \xNN, so nothing raw reaches a
// terminal or a log.
#include "config/text.hpp"
#include "config_test_support.hpp"

namespace courier::config {
namespace {

using test::load_error;
using test::load_with;
using test::temp_dir;

// Printable ASCII only: the inputs below hold nothing that should survive unescaped.
bool clean(const std::string& text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return false;
  return true;
}

TEST(printable, keeps_ascii_and_well_formed_utf8) {
  EXPECT_EQ(printable("plain text"), "plain text");
  EXPECT_EQ(printable("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa6"),
            "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x93\xa6");
}

TEST(printable, escapes_control_characters) {
  EXPECT_EQ(printable("a\nb\tc"), "a\\nb\\tc");
  EXPECT_EQ(printable("\x1b[31mred"), "\\x1b[31mred");
  EXPECT_EQ(printable(std::string("nul\0", 4)), "nul\\x00");
  EXPECT_EQ(printable("del\x7f"), "del\\x7f");
  EXPECT_EQ(printable("c1 \xc2\x85 \xc2\x9b"), "c1 \\xc2\\x85 \\xc2\\x9b");
  EXPECT_EQ(printable("\xc2\xa0nbsp"), "\xc2\xa0nbsp"); // U+00A0 is the first non-control
}

TEST(printable, escapes_bytes_that_are_not_utf8) {
  EXPECT_EQ(printable("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(printable("latin1 caf\xe9"), "latin1 caf\\xe9");
  EXPECT_EQ(printable("\x80 lone continuation"), "\\x80 lone continuation");
  EXPECT_EQ(printable("\xc0\xaf overlong slash"), "\\xc0\\xaf overlong slash");
  EXPECT_EQ(printable("\xe0\x80\xaf overlong"), "\\xe0\\x80\\xaf overlong");
  EXPECT_EQ(printable("\xed\xa0\x80 surrogate"), "\\xed\\xa0\\x80 surrogate");
  EXPECT_EQ(printable("\xf4\x90\x80\x80 past U+10FFFF"), "\\xf4\\x90\\x80\\x80 past U+10FFFF");
  EXPECT_EQ(printable("cut \xe6\x97"), "cut \\xe6\\x97");
}

TEST(printable, escapes_backslashes_so_escapes_are_unambiguous) {
  EXPECT_EQ(printable("C:\\x41"), "C:\\\\x41");
}

TEST(printable, shortens_long_values) {
  const std::string shown = printable(std::string(300, 'a'));
  EXPECT_EQ(shown, std::string(200, 'a') + "...");
  EXPECT_EQ(printable(std::string(10, 'a'), 4), "aaaa...");
}

TEST(escaping, a_config_file_value) {
  temp_dir dir;
  const config_error e =
      load_error({"--config", dir.write("c.toml", "node_id = \"n\xff\x1b[2J\"\n")});
  EXPECT_EQ(e.key, "node_id");
  EXPECT_NE(std::string(e.what()).find("got 'n\\xff\\x1b[2J'"), std::string::npos) << e.what();
  EXPECT_TRUE(clean(e.what())) << e.what();
}

TEST(escaping, a_flag_value_and_an_environment_value) {
  const config_error flag = load_error({"--partitions", "\xfe\xff"});
  EXPECT_NE(std::string(flag.what()).find("got '\\xfe\\xff'"), std::string::npos) << flag.what();
  EXPECT_TRUE(clean(flag.what())) << flag.what();
  const config_error env = load_error({}, {"COURIER_DB=x=y", "COURIER_LOG_LEVEL=\xe9\x07"});
  EXPECT_NE(std::string(env.what()).find("got '\\xe9\\x07'"), std::string::npos) << env.what();
  EXPECT_TRUE(clean(env.what())) << env.what();
}

TEST(escaping, an_unknown_flag_and_the_config_path) {
  const config_error flag = load_error({"--k\xff", "1"});
  EXPECT_NE(std::string(flag.what()).find("'k\\xff'"), std::string::npos) << flag.what();
  EXPECT_TRUE(clean(flag.what())) << flag.what();
  temp_dir dir;
  const std::string path = dir.path() + "/c\xff.toml";
  const config_error missing = load_error({"--config", path});
  EXPECT_NE(std::string(missing.what()).find("/c\\xff.toml'"), std::string::npos) << missing.what();
  EXPECT_TRUE(clean(missing.what())) << missing.what();
  const config_error syntax = load_error({"--config", dir.write("c\xff.toml", "nonsense\n")});
  EXPECT_NE(std::string(syntax.what()).find("/c\\xff.toml line 1"), std::string::npos)
      << syntax.what();
  EXPECT_TRUE(clean(syntax.what())) << syntax.what();
}

TEST(escaping, the_startup_line) {
  const std::string line = describe(load_with({"--db", "postgres://u@h/d\xff\x1b?x=\xc2\x85"}));
  EXPECT_NE(line.find("db=postgres://u@h/d\\xff\\x1b?x=\\xc2\\x85"), std::string::npos) << line;
  EXPECT_TRUE(clean(line)) << line;
}

} // namespace
} // namespace courier::config
