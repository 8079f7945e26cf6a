#include "tests/support/spawn.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

extern char** environ;

namespace courier::test::detail {
namespace {

std::string resolve_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    return name;
  }
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return name; // execve fails with ENOENT and the child reports it
}

void write_all(int fd, const char* text) {
  std::size_t left = std::strlen(text);
  while (left > 0) {
    ssize_t n = ::write(fd, text, left);
    if (n <= 0) {
      return;
    }
    text += n;
    left -= static_cast<std::size_t>(n);
  }
}

// Only async-signal-safe calls from here on: the parent may have other threads.
[[noreturn]] void exec_child(pid_t parent, const char* program, char* const* argv,
                             char* const* envp, const char* cwd, int out, int err, bool new_group,
                             int max_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) {
    ::_exit(127);
  }
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, nullptr);
  if (new_group) {
    ::setpgid(0, 0);
  }
  int null_fd = ::open("/dev/null", O_RDWR);
  ::dup2(null_fd, 0);
  ::dup2(out >= 0 ? out : null_fd, 1);
  ::dup2(err >= 0 ? err : 1, 2);
  if (cwd[0] != '\0' && ::chdir(cwd) != 0) {
    write_all(1, "spawn: cannot chdir to ");
    write_all(1, cwd);
    write_all(1, "\n");
    ::_exit(127);
  }
  if (::close_range(3, ~0U, 0) != 0) {
    for (int fd = 3; fd < max_fd; ++fd) {
      ::close(fd);
    }
  }
  ::execve(program, argv, envp);
  write_all(1, "spawn: cannot execute ");
  write_all(1, program);
  write_all(1, "\n");
  ::_exit(127);
}

} // namespace

pid_t spawn(const spawn_spec& spec) {
  if (spec.argv.empty()) {
    throw std::invalid_argument("spawn: empty argv");
  }
  // Everything the child needs is built before fork.
  const std::string program = resolve_program(spec.argv[0]);
  std::vector<std::string> env;
  // COURIER_* would configure the child behind the test's back. LSAN_OPTIONS carries the
  // test binaries' own leak suppressions (deploy/lsan-tests.supp): the programs under test
  // (courierd, courierctl) get none, so their leak checking stays whole.
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "COURIER_", 8) != 0 && std::strncmp(*e, "LSAN_OPTIONS=", 13) != 0) {
      env.emplace_back(*e);
    }
  }
  env.insert(env.end(), spec.extra_env.begin(), spec.extra_env.end());
  std::vector<char*> argv;
  for (const auto& a : spec.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);
  rlimit nofile{};
  int max_fd = 65536;
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY) {
    max_fd = static_cast<int>(nofile.rlim_cur);
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw std::system_error(errno, std::generic_category(), "fork");
  }
  if (pid == 0) {
    exec_child(parent, program.c_str(), argv.data(), envp.data(), spec.cwd.c_str(), spec.stdout_fd,
               spec.stderr_fd, spec.new_process_group, max_fd);
  }
  if (spec.new_process_group) {
    ::setpgid(pid, pid); // also done by the child; whichever runs first wins the race
  }
  return pid;
}

int decode_wait_status(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  if (WIFSIGNALED(status)) {
    return 128 + WTERMSIG(status);
  }
  return -1;
}

std::string make_temp_dir(const std::string& prefix, const std::string& root) {
  std::string templ = root + "/" + prefix + "XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    throw std::system_error(errno, std::generic_category(), "mkdtemp " + templ);
  }
  return templ;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string tail_lines(const std::string& text, std::size_t lines) {
  if (lines == 0) {
    return {};
  }
  std::size_t pos = text.size();
  if (pos > 0 && text[pos - 1] == '\n') {
    --pos;
  }
  while (pos > 0) {
    std::size_t nl = text.rfind('\n', pos - 1);
    if (nl == std::string::npos) {
      return text;
    }
    if (--lines == 0) {
      return text.substr(nl + 1);
    }
    pos = nl;
  }
  return text;
}

} // namespace courier::test::detail
