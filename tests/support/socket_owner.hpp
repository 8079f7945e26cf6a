#pragma once
// Which local process owns a TCP connection, from /proc: lets a test attribute each
// request a subscriber received to the courierd node that sent it.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include <sys/types.h>

namespace courier::test {

// Local TCP ports of the sockets each of `pids` has open right now.
std::map<unsigned short, pid_t> local_ports_of(const std::vector<pid_t>& pids);

// Samples local_ports_of(pids) on its own thread every `every` and keeps every port it
// ever saw, since connections come and go between a send and the test's look.
// Owned by the test thread; stop() (or the destructor) ends the thread.
class port_owner_sampler {
public:
  explicit port_owner_sampler(std::vector<pid_t> pids,
                              std::chrono::milliseconds every = std::chrono::milliseconds{20});
  ~port_owner_sampler();
  port_owner_sampler(const port_owner_sampler&) = delete;
  port_owner_sampler& operator=(const port_owner_sampler&) = delete;

  std::map<unsigned short, pid_t> stop(); // joins the thread; every port -> pid seen

private:
  std::vector<pid_t> pids_;
  std::chrono::milliseconds every_;
  std::atomic<bool> running_{true};
  std::mutex mutex_;
  std::map<unsigned short, pid_t> owners_;
  std::thread thread_;
};

} // namespace courier::test
