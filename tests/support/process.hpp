#pragma once
// child_process owns one long-running child (stdout+stderr to a log file in its own
// temp dir) and reaps it; courierd_process starts COURIER_BINARY_DIR/courierd.
// Not thread-safe: used by the test thread that created it. The child is SIGKILLed
// when that thread exits (PR_SET_PDEATHSIG), so a killed test leaves no stray node.
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace courier::test {

struct child_options {
  std::vector<std::string> env; // extra KEY=VALUE; the test's COURIER_* variables are removed
  std::string log_name;         // file name in the log dir; empty: <program name>.log
  // Run through this launcher, e.g. {"ip", "netns", "exec", "ns1"}; it must exec the
  // program in place (same pid), so signals and wait_exit reach the program itself.
  std::vector<std::string> exec_prefix;
};

class child_process {
public:
  // argv[0] is the program (path or PATH name). Throws std::system_error when it
  // cannot fork; an exec failure shows as exit code 127 and a line in log().
  explicit child_process(std::vector<std::string> argv, child_options options = {});
  virtual ~child_process(); // SIGKILL if still running, reap; log dir kept if the test failed
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  void kill9() { send(SIGKILL); }
  void terminate() { send(SIGTERM); }
  void freeze() { send(SIGSTOP); }
  void thaw() { send(SIGCONT); }
  void send(int signal);

  // Exit code (128 + signal when killed) once the child has exited, or nullopt on timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);
  bool running(); // false once exited (a frozen child is running)
  std::optional<int> exit_code() const { return exit_code_; }

  std::string log() const;
  const std::string& log_path() const { return log_path_; }
  const std::vector<std::string>& argv() const { return argv_; }

private:
  void reap(bool block);

  std::vector<std::string> argv_;
  std::string dir_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// One courierd node: args are "--key value" pairs, e.g. {"--db", url, "--node_id", "n1"}.
class courierd_process : public child_process {
public:
  explicit courierd_process(const std::vector<std::string>& args, child_options options = {});

  static std::string binary_path(); // COURIER_BINARY_DIR/courierd
  static bool available();          // the binary exists and is executable
};

} // namespace courier::test
