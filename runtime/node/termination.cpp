#include "runtime/node/termination.hpp"

#include "net/log.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace courier {

struct termination::shared {
  std::mutex mutex;
  drain_action drain;
  std::chrono::milliseconds deadline{0};
};

namespace {

sigset_t termination_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

[[noreturn]] void exit_now(int code) {
  spdlog::shutdown(); // flushes the last lines
  std::_Exit(code);   // nothing durable is left to tear down; other threads may be blocked
}

} // namespace

termination::termination() : shared_(std::make_shared<shared>()) {
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread{[state = shared_, signals] {
    int signal = 0;
    while (sigwait(&signals, &signal) != 0) {
    }
    const char* name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
    drain_action drain;
    std::chrono::milliseconds deadline{0};
    {
      std::lock_guard<std::mutex> guard{state->mutex};
      drain = state->drain;
      deadline = state->deadline;
    }
    if (!drain || !drain(name)) {
      net::logger("node")->info("received {} while starting, before holding any partition: exiting",
                                name);
      exit_now(0);
    }
    std::this_thread::sleep_for(deadline);
    net::logger("node")->error("shutdown did not finish in time; exiting");
    exit_now(1);
  }}.detach();
}

void termination::on_signal(drain_action drain, std::chrono::milliseconds deadline) {
  std::lock_guard<std::mutex> guard{shared_->mutex};
  shared_->drain = std::move(drain);
  shared_->deadline = deadline;
}

} // namespace courier
