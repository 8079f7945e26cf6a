#pragma once
// courierctl's command line as typed: the words (verb and its arguments), the --name value
// options in order, and the flags --json, --help/-h and --version, wherever they stand.
// Pure; main thread.
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace courier::ctl {

// The command line is wrong: exit 2 with the message and the usage.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The request failed or the thing is not there: exit 1 with the message.
struct command_failed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct command_line {
  std::vector<std::string> words;
  std::vector<std::pair<std::string, std::string>> options; // name without "--", value
  bool json = false;
  bool help = false;
  bool version = false;

  // The value of --name (the last one when repeated), or the environment variable `env`
  // when given and set.
  std::optional<std::string> option(const std::string& name, const char* env = nullptr) const;
};

// "--name value" and "--name=value"; throws usage_error when an option lacks its value.
command_line parse_command_line(int argc, const char* const* argv);

} // namespace courier::ctl
