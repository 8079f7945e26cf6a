#include "tests/support/command.hpp"

#include "tests/support/spawn.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

namespace courier::test {
namespace {

// Reads what is available now; false once the pipe reports EOF or an error.
bool drain(int fd, std::string& out) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return n < 0 && errno == EAGAIN;
  }
}

} // namespace

command_result run_command(const std::vector<std::string>& argv, const command_options& options) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw std::system_error(errno, std::generic_category(), "pipe2");
  }
  detail::spawn_spec spec;
  spec.argv = argv;
  spec.extra_env = options.env;
  spec.cwd = options.cwd;
  spec.stdout_fd = fds[1];
  spec.new_process_group = true;
  pid_t pid = -1;
  try {
    pid = detail::spawn(spec);
  } catch (...) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw;
  }
  ::close(fds[1]);
  ::fcntl(fds[0], F_SETFL, O_NONBLOCK);

  command_result result;
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  bool open = true;
  int status = 0;
  for (;;) {
    if (open) {
      pollfd p{fds[0], POLLIN, 0};
      ::poll(&p, 1, 20);
      open = drain(fds[0], result.output);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    // A daemon started by the command (pg_ctl start) may keep the pipe open: stop
    // reading once the command itself has exited and the pipe is empty.
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (open) {
        drain(fds[0], result.output);
      }
      result.exit_code = detail::decode_wait_status(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      drain(fds[0], result.output);
      result.timed_out = true;
      result.exit_code = -1;
      break;
    }
  }
  ::close(fds[0]);
  return result;
}

command_result run_command(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout) {
  command_options options;
  options.timeout = timeout;
  return run_command(argv, options);
}

std::string shell_quote(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) {
      out += ' ';
    }
    bool plain = !arg.empty() &&
                 arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                                       "OPQRSTUVWXYZ0123456789@%+=:,./-_") == std::string::npos;
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    out += '\'';
  }
  return out;
}

} // namespace courier::test
