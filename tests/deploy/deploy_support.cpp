#include "deploy_support.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace courier::test {

namespace fs = std::filesystem;

std::string source_path(const std::string& relative) {
  return std::string{COURIER_SOURCE_DIR} + "/" + relative;
}

std::string find_tool(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs{path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin"};
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate))
      return candidate;
  }
  return "";
}

std::string not_installed(const std::string& tool, const std::string& debian_package) {
  return tool + " is not installed (Debian package " + debian_package +
         "; deploy/install-deps.sh installs it)";
}

std::string read_text(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out{path, std::ios::binary | std::ios::trunc};
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

int replace_all(std::string& text, const std::string& from, const std::string& to) {
  int count = 0;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
    ++count;
  }
  return count;
}

command_result run_to_file(const std::vector<std::string>& argv, const std::string& stdout_path,
                           std::chrono::milliseconds timeout) {
  return run_command({"sh", "-c", "exec " + shell_quote(argv) + " >" + shell_quote({stdout_path})},
                     timeout);
}

scratch_dir::scratch_dir(const std::string& prefix) {
  std::string pattern = "/tmp/" + prefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp " + pattern + " failed");
  path_ = pattern;
}

scratch_dir::~scratch_dir() {
  if (::testing::Test::HasFailure()) {
    std::cerr << "kept for inspection: " << path_ << "\n";
    return;
  }
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

config::node_config load_node_config(const std::string& toml, const std::vector<std::string>& env) {
  scratch_dir dir{"courier-config-"};
  const std::string path = dir.file("courierd.toml");
  write_text(path, toml);
  const char* argv[] = {"courierd", "--config", path.c_str()};
  return config::load(3, argv, env);
}

} // namespace courier::test
