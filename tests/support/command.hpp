#pragma once
// run_command: runs a program to completion with stdout+stderr captured, e.g.
// courierctl or pg_ctl. Blocks the calling thread; no state kept between calls.
#include <chrono>
#include <string>
#include <vector>

namespace courier::test {

struct command_result {
  int exit_code = -1;     // exit status, 128 + signal, or -1 when timed out
  std::string output;     // stdout and stderr interleaved
  bool timed_out = false; // the process group was killed with SIGKILL
};

struct command_options {
  std::chrono::milliseconds timeout{60000};
  std::vector<std::string> env; // extra KEY=VALUE (COURIER_* of the test process are removed)
  std::string cwd;              // empty: inherit
};

// argv[0] is a path or a name looked up in PATH. Never throws for a failing
// program (exit 127 and a line in output when it cannot be executed).
command_result run_command(const std::vector<std::string>& argv, const command_options& options);
command_result run_command(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60));

// "argv[0] argv[1] ..." with shell quoting where needed, for messages and `sh -c`.
std::string shell_quote(const std::vector<std::string>& argv);

} // namespace courier::test
