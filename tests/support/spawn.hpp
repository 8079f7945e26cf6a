#pragma once
// Internal to tests/support: fork/exec with a scrubbed environment, shared by
// run_command and child_process. Stateless; callable from any thread.
#include <string>
#include <vector>

#include <sys/types.h>

namespace courier::test::detail {

struct spawn_spec {
  std::vector<std::string> argv;      // argv[0]: a path, or a name looked up in PATH
  std::vector<std::string> extra_env; // KEY=VALUE, added after every COURIER_* is removed
  std::string cwd;                    // empty: inherit
  int stdout_fd = -1;                 // -1: /dev/null
  int stderr_fd = -1;                 // -1: same as stdout
  bool new_process_group = false;
};

// Starts the child with PR_SET_PDEATHSIG=SIGKILL (it dies with the forking thread)
// and only fds 0-2 open. Throws std::system_error when fork fails; when exec fails
// the child writes one line to its stdout and exits 127.
pid_t spawn(const spawn_spec& spec);

// The exit status, or 128 + signal number for a killed child.
int decode_wait_status(int status);

// mkdtemp("<root>/<prefix>XXXXXX"); throws std::system_error on failure.
std::string make_temp_dir(const std::string& prefix, const std::string& root = "/tmp");

// Whole file as a string ("" when it cannot be read).
std::string read_file(const std::string& path);

// The last `lines` lines of `text`.
std::string tail_lines(const std::string& text, std::size_t lines);

} // namespace courier::test::detail
