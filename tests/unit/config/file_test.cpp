// The --config file format: key = value lines, comments, quoting, and its errors.
#include "config/config_sources.hpp"
#include "config_test_support.hpp"

#include <fcntl.h>
#include <future>
#include <sys/stat.h>
#include <unistd.h>

namespace courier::config {
namespace {

using namespace std::chrono_literals;
using test::load_error;
using test::load_with;
using test::temp_dir;
using ms = std::chrono::milliseconds;

node_config load_file(const temp_dir& dir, const std::string& content) {
  return load_with({"--config", dir.write("c.toml", content)});
}

config_error file_error(const temp_dir& dir, const std::string& content) {
  return load_error({"--config", dir.write("c.toml", content)});
}

TEST(config_file, parses_every_kind_of_value) {
  temp_dir dir;
  // No environment: COURIER_DB would otherwise override the file's db.
  const std::string path = dir.write("c.toml", R"(# Courier node
db = "postgres://u:p@db.internal/courier"
node_id = node-1
partitions = 64
admin_listen = "[::1]:9000"
allow_private_targets = true
http_timeout_ms = 2500
retry_schedule = "100ms, 1s, 2m"
poison_policy = dead_letter
log_format = json
log_level = debug
lease_tick_ms = 250ms
restart_max = 3
restart_window_ms = 2m
quarantine_ms = "5m"
)");
  const node_config c = load_with({"--config", path}, {});
  EXPECT_EQ(c.db, "postgres://u:p@db.internal/courier");
  EXPECT_EQ(c.node_id, "node-1");
  EXPECT_EQ(c.partitions, 64);
  EXPECT_EQ(c.admin_listen, "[::1]:9000");
  EXPECT_TRUE(c.allow_private_targets);
  EXPECT_EQ(c.http_timeout, 2500ms);
  EXPECT_EQ(c.retry_schedule, (std::vector<ms>{100ms, 1s, 2min}));
  EXPECT_EQ(c.poison, poison_policy::dead_letter);
  EXPECT_EQ(c.log_format, "json");
  EXPECT_EQ(c.log_level, "debug");
  EXPECT_EQ(c.lease_tick, 250ms);
  EXPECT_EQ(c.restart_max, 3);
  EXPECT_EQ(c.restart_window, 2min);
  EXPECT_EQ(c.quarantine, 5min);
}

TEST(config_file, comments_blank_lines_and_whitespace) {
  temp_dir dir;
  const node_config c = load_file(dir, "\n   # indented comment\n\t\n"
                                       "  partitions=7   # trailing comment\n"
                                       "max_in_flight   =   9#tight comment\n");
  EXPECT_EQ(c.partitions, 7);
  EXPECT_EQ(c.max_in_flight, 9);
}

TEST(config_file, hash_inside_quotes_is_not_a_comment) {
  temp_dir dir;
  const node_config c = load_file(dir, "admin_token = \"ab#cd\" # the token\n");
  EXPECT_EQ(c.admin_token, "ab#cd");
}

TEST(config_file, escapes_in_basic_strings) {
  temp_dir dir;
  const node_config c = load_file(dir, R"(admin_token = "a\"b\\c")"
                                       "\n");
  EXPECT_EQ(c.admin_token, "a\"b\\c");
}

TEST(config_file, literal_strings_and_empty_strings) {
  temp_dir dir;
  const node_config c = load_file(dir, "admin_token = 'x\\y'\nca_file = \"\"\n");
  EXPECT_EQ(c.admin_token, "x\\y");
  EXPECT_EQ(c.ca_file, "");
}

TEST(config_file, crlf_and_byte_order_mark) {
  temp_dir dir;
  const node_config c = load_file(dir, "\xEF\xBB\xBFpartitions = 5\r\nnode_id = \"n\"\r\n");
  EXPECT_EQ(c.partitions, 5);
  EXPECT_EQ(c.node_id, "n");
}

TEST(config_file, no_trailing_newline) {
  temp_dir dir;
  EXPECT_EQ(load_file(dir, "partitions = 3").partitions, 3);
}

TEST(config_file, unknown_key_is_an_error) {
  temp_dir dir;
  const config_error e = file_error(dir, "partitions = 3\nfrobnicate = 1\n");
  EXPECT_EQ(e.key, "frobnicate");
  EXPECT_NE(std::string(e.what()).find("unknown key"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
}

TEST(config_file, duplicate_key_is_an_error) {
  temp_dir dir;
  const config_error e = file_error(dir, "partitions = 3\n\npartitions = 4\n");
  EXPECT_EQ(e.key, "partitions");
  EXPECT_NE(std::string(e.what()).find("line 1 and"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
}

TEST(config_file, syntax_errors_name_file_and_line) {
  struct syntax_case {
    const char* content;
    const char* message;
  };
  const syntax_case cases[] = {
      {"partitions = 3\n\njust words\n", "line 3: expected key = value"},
      {"[section]\n", "line 1: tables are not supported"},
      {"partitions =\n", "line 1: missing value"},
      {"partitions = # nothing\n", "line 1: missing value"},
      {" = 3\n", "line 1: expected key = value"},
      {"two words = 3\n", "line 1: expected key = value"},
      {"admin_token = \"open\n", "line 1: unterminated string"},
      {"admin_token = 'open\n", "line 1: unterminated string"},
      {"admin_token = \"a\\qb\"\n", "line 1: unsupported escape"},
      {"admin_token = \"a\" b\n", "line 1: unexpected text after the closing quote"},
  };
  temp_dir dir;
  for (const auto& c : cases) {
    const std::string path = dir.write("c.toml", c.content);
    const config_error e = load_error({"--config", path});
    EXPECT_EQ(e.key, "config") << c.content;
    EXPECT_EQ(std::string(e.what()).rfind("config file " + path + " " + c.message, 0), 0u)
        << "content: " << c.content << "\nmessage: " << e.what();
  }
}

TEST(config_file, empty_file_is_fine) {
  temp_dir dir;
  EXPECT_EQ(load_file(dir, "").partitions, 256);
}

// The config_error for --config `path`, checked to name the config key and the path.
std::string refusal(const std::string& path) {
  const config_error e = load_error({"--config", path});
  EXPECT_EQ(e.key, "config") << e.what();
  EXPECT_NE(std::string(e.what()).find("'" + path + "'"), std::string::npos) << e.what();
  return e.what();
}

TEST(config_file, a_directory_is_refused) {
  temp_dir dir;
  EXPECT_NE(refusal(dir.path()).find("a directory, expected a regular file"), std::string::npos);
}

TEST(config_file, a_character_device_is_refused_without_reading_it) {
  // /dev/zero never ends: a reader that tries would grow until the machine runs out.
  EXPECT_NE(refusal("/dev/zero").find("a character device, expected a regular file"),
            std::string::npos);
}

TEST(config_file, a_fifo_is_refused_without_waiting_for_a_writer) {
  temp_dir dir;
  const std::string fifo = dir.path() + "/c.toml";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto result = std::async(std::launch::async, [&] { return refusal(fifo); });
  if (result.wait_for(5s) != std::future_status::ready) {
    ADD_FAILURE() << "load() is blocked opening or reading the FIFO";
    // Let the blocked reader see a writer come and go, so the test ends instead of hanging.
    const int writer = ::open(fifo.c_str(), O_WRONLY);
    ::close(writer);
  }
  EXPECT_NE(result.get().find("a FIFO, expected a regular file"), std::string::npos);
}

TEST(config_file, over_one_mebibyte_is_refused) {
  temp_dir dir;
  const std::string path = dir.write("big.toml", std::string(2 * 1024 * 1024, '#'));
  EXPECT_NE(refusal(path).find("2097152 bytes, more than the 1 MiB (1048576 bytes) limit"),
            std::string::npos);
  const std::string one_over =
      dir.write("over.toml", "partitions = 3\n" + std::string(max_config_file_bytes + 1 - 15, '#'));
  EXPECT_NE(refusal(one_over).find("1048577 bytes"), std::string::npos);
}

TEST(config_file, exactly_one_mebibyte_is_read) {
  temp_dir dir;
  const std::string head = "partitions = 3\n";
  const std::string path =
      dir.write("full.toml", head + std::string(max_config_file_bytes - head.size(), '#'));
  ASSERT_EQ(std::filesystem::file_size(path), max_config_file_bytes);
  EXPECT_EQ(load_with({"--config", path}).partitions, 3);
}

} // namespace
} // namespace courier::config
