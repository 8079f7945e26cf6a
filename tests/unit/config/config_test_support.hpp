#pragma once
// Test helpers for config: a scratch directory removed on destruction, and load() driven
// by plain vectors of flags and environment entries.
#include "config/node_config.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace courier::config::test {

// Owns one mkdtemp directory for the lifetime of a test.
class temp_dir {
public:
  temp_dir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/courier-config-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  // Writes `content` to `name` inside the directory and returns the full path.
  std::string write(const std::string& name, const std::string& content) const {
    const std::string full = path_ + "/" + name;
    std::ofstream(full, std::ios::binary) << content;
    return full;
  }
  const std::string& path() const { return path_; }

private:
  std::string path_;
};

inline constexpr const char* test_db = "postgres://u@h/db";

// load() with argv[0] prepended; `env` replaces the process environment entirely.
inline node_config load_with(const std::vector<std::string>& args,
                             const std::vector<std::string>& env = {std::string("COURIER_DB=") +
                                                                    test_db}) {
  std::vector<const char*> argv{"courierd"};
  for (const auto& a : args)
    argv.push_back(a.c_str());
  return load(static_cast<int>(argv.size()), argv.data(), env);
}

// The config_error load() throws; fails the test when it throws nothing.
inline config_error load_error(const std::vector<std::string>& args,
                               const std::vector<std::string>& env = {std::string("COURIER_DB=") +
                                                                      test_db}) {
  try {
    load_with(args, env);
  } catch (const config_error& e) {
    return e;
  }
  ADD_FAILURE() << "load() accepted the configuration";
  return config_error("", "");
}

} // namespace courier::config::test
