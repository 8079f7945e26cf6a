#pragma once
// Shared by the deploy tests: where the repository's files are, finding the real tools
// that read them (promtool, prometheus, kubectl, systemd-analyze, gnuplot), a scratch
// directory per test, and courierd's own config loader applied to a deploy file.
// Stateless helpers; scratch_dir is owned by the test that made it.
#include "config/node_config.hpp"
#include "tests/support/command.hpp"

#include <string>
#include <vector>

namespace courier::test {

// COURIER_SOURCE_DIR + "/" + relative.
std::string source_path(const std::string& relative);

// The program's path from PATH, or "" when it is not installed.
std::string find_tool(const std::string& name);

// The GTEST_SKIP message for a missing tool.
std::string not_installed(const std::string& tool, const std::string& debian_package);

std::string read_text(const std::string& path); // throws std::runtime_error
void write_text(const std::string& path, const std::string& text);

// Replaces every occurrence; returns how many there were.
int replace_all(std::string& text, const std::string& from, const std::string& to);

// Runs argv with stdout into `stdout_path`; the result's output holds stderr only.
command_result run_to_file(const std::vector<std::string>& argv, const std::string& stdout_path,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));

// A fresh directory under /tmp, removed at the end unless the test failed (then its
// path is printed so the files can be read).
class scratch_dir {
public:
  explicit scratch_dir(const std::string& prefix);
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

// courierd's configuration from a TOML file's text plus COURIER_* environment entries,
// exactly as the node would load it. Throws config::config_error.
config::node_config load_node_config(const std::string& toml, const std::vector<std::string>& env);

} // namespace courier::test
