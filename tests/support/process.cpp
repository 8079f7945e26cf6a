#include "tests/support/process.hpp"

#include "tests/support/spawn.hpp"

#include <cerrno>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace courier::test {

child_process::child_process(std::vector<std::string> argv, child_options options)
    : argv_(std::move(argv)) {
  if (argv_.empty()) {
    throw std::invalid_argument("child_process: empty argv");
  }
  dir_ = detail::make_temp_dir("courier-proc-");
  std::string name = options.log_name;
  if (name.empty()) {
    name = argv_.front().substr(argv_.front().rfind('/') + 1) + ".log";
  }
  log_path_ = dir_ + "/" + name;
  int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int error = errno;
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw std::system_error(error, std::generic_category(), "open " + log_path_);
  }
  detail::spawn_spec spec;
  spec.argv = std::move(options.exec_prefix);
  spec.argv.insert(spec.argv.end(), argv_.begin(), argv_.end());
  spec.extra_env = std::move(options.env);
  spec.stdout_fd = fd;
  try {
    pid_ = detail::spawn(spec);
  } catch (...) {
    ::close(fd);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
  ::close(fd);
}

child_process::~child_process() {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, SIGKILL);
    reap(true);
  }
  std::error_code ec;
  if (::testing::Test::HasFailure()) {
    std::cerr << "[child_process] " << argv_.front() << " (pid " << pid_ << ") log kept at "
              << log_path_ << ", last lines:\n"
              << detail::tail_lines(log(), 30) << "\n";
  } else {
    std::filesystem::remove_all(dir_, ec);
  }
}

void child_process::send(int signal) {
  if (pid_ > 0 && !exit_code_) {
    ::kill(pid_, signal);
  }
}

void child_process::reap(bool block) {
  if (pid_ <= 0 || exit_code_) {
    return;
  }
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    exit_code_ = detail::decode_wait_status(status);
  } else if (r < 0 && errno == ECHILD) {
    exit_code_ = -1; // reaped elsewhere; nothing more to learn
  }
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    reap(false);
    if (exit_code_ || std::chrono::steady_clock::now() >= deadline) {
      return exit_code_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

bool child_process::running() {
  reap(false);
  return pid_ > 0 && !exit_code_;
}

std::string child_process::log() const {
  return detail::read_file(log_path_);
}

courierd_process::courierd_process(const std::vector<std::string>& args, child_options options)
    : child_process(
          [&] {
            std::vector<std::string> argv{binary_path()};
            argv.insert(argv.end(), args.begin(), args.end());
            return argv;
          }(),
          std::move(options)) {}

std::string courierd_process::binary_path() {
  return std::string(COURIER_BINARY_DIR) + "/courierd";
}

bool courierd_process::available() {
  return ::access(binary_path().c_str(), X_OK) == 0;
}

} // namespace courier::test
