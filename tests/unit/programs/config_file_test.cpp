// courierd --config on something that is not a small regular file exits 2 at once, naming
// the problem, instead of reading forever (/dev/zero) or waiting for a writer (a FIFO).
#include "tests/support/command.hpp"
#include "tests/support/process.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace courier::test {
namespace {

using namespace std::chrono_literals;

// Design target 1 s; the rest is slack for a loaded 2-core machine.
constexpr auto prompt = 2500ms;

void expect_refused(const std::string& path, const std::string& problem) {
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_command({courierd_process::binary_path(), "--config", path}, prompt);
  EXPECT_FALSE(r.timed_out) << "courierd --config " << path << " still running after 2.5 s";
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(
      r.output.find("config key 'config': cannot read config file '" + path + "': " + problem),
      std::string::npos)
      << r.output;
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  EXPECT_LT(took.count(), prompt.count()) << "ms to exit";
}

TEST(courierd_config_file, dev_zero_exits_2_at_once) {
  expect_refused("/dev/zero", "a character device");
}

TEST(courierd_config_file, a_fifo_exits_2_at_once) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("courier-fifo-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string fifo = (dir / "node.toml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  expect_refused(fifo, "a FIFO");
  std::filesystem::remove_all(dir);
}

} // namespace
} // namespace courier::test
