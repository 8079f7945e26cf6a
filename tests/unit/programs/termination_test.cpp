// SIGTERM (or SIGINT) during startup ends courierd within about a second with exit 0,
// whatever the database does: refuses connections, accepts and never answers, or drops
// the connection attempt. (Before, the signal waited for the 30 s connect loop or forever.)
#include "tests/support/process.hpp"
#include "tests/support/startup_exit.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace courier::test {
namespace {

using namespace std::chrono_literals;

// A TCP socket on 127.0.0.1 standing in for a broken database server; owns every
// descriptor it opens. `listen_backlog` < 0 binds without listening (connections are
// refused); 0 with one queued connection makes the kernel drop further SYNs.
class fake_database {
public:
  explicit fake_database(int listen_backlog) {
    fd_ = own(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0 ||
        (listen_backlog >= 0 && ::listen(fd_, listen_backlog) != 0))
      throw std::runtime_error("fake_database: cannot bind or listen");
    port_ = ntohs(addr.sin_port);
  }
  ~fake_database() {
    for (int fd : fds_)
      ::close(fd);
  }

  std::string url() const { return "postgres://courier@127.0.0.1:" + std::to_string(port_) + "/c"; }

  // Accepts one connection and keeps it open without ever answering; false on timeout.
  bool accept_silently(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
      return false;
    own(::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC));
    return true;
  }

  // Completes one connection into the accept queue; with backlog 0 the queue is then full.
  void fill_queue() {
    const int client = own(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
      throw std::runtime_error("fake_database: cannot fill the accept queue");
  }

private:
  int own(int fd) {
    if (fd < 0)
      throw std::runtime_error("fake_database: socket call failed");
    fds_.push_back(fd);
    return fd;
  }

  int fd_ = -1;
  unsigned short port_ = 0;
  std::vector<int> fds_;
};

std::unique_ptr<courierd_process> start_node(const fake_database& db) {
  return std::make_unique<courierd_process>(std::vector<std::string>{
      "--db", db.url(), "--node_id", "starting", "--admin_listen", "127.0.0.1:0"});
}

bool log_shows(courierd_process& node, const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (node.log().find(text) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline)
      return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(startup_termination, while_the_database_refuses_connections) {
  for (int signal : {SIGTERM, SIGINT}) {
    fake_database refusing(-1);
    auto node = start_node(refusing);
    ASSERT_TRUE(log_shows(*node, "database not reachable yet", 20s)) << node->log();
    expect_prompt_exit_while_starting(*node, signal);
  }
}

TEST(startup_termination, while_the_database_accepts_and_never_answers) {
  fake_database blackhole(16);
  auto node = start_node(blackhole);
  ASSERT_TRUE(blackhole.accept_silently(20s)) << node->log();
  std::this_thread::sleep_for(200ms); // let libpq settle into waiting for the answer
  expect_prompt_exit_while_starting(*node, SIGTERM);
}

TEST(startup_termination, while_the_connection_attempt_is_dropped) {
  fake_database dropping(0);
  dropping.fill_queue();
  auto node = start_node(dropping);
  // Nothing observable marks the SYN being dropped; give the node time to get there.
  std::this_thread::sleep_for(1s);
  expect_prompt_exit_while_starting(*node, SIGTERM);
}

} // namespace
} // namespace courier::test
