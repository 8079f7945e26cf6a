#include "tests/support/socket_owner.hpp"

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace courier::test {

namespace {

// Inodes of the sockets among a process's open descriptors ("socket:[123]").
std::set<unsigned long> socket_inodes(pid_t pid) {
  std::set<unsigned long> out;
  auto dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = opendir(dir.c_str());
  if (d == nullptr)
    return out;
  while (auto* entry = readdir(d)) {
    char target[128];
    auto link = dir + "/" + entry->d_name;
    auto n = readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0)
      continue;
    target[n] = '\0';
    unsigned long inode = 0;
    if (std::sscanf(target, "socket:[%lu]", &inode) == 1)
      out.insert(inode);
  }
  closedir(d);
  return out;
}

// Adds "local port -> pid" for every line of a /proc/<pid>/net/tcp{,6} table whose
// inode belongs to the process.
void scan_table(const std::string& path, const std::set<unsigned long>& inodes, pid_t pid,
                std::map<unsigned short, pid_t>& out) {
  std::ifstream table{path};
  std::string line;
  std::getline(table, line); // header
  while (std::getline(table, line)) {
    std::istringstream fields{line};
    std::string slot, local, remote, state, queues, timer, retrans, uid, timeout;
    unsigned long inode = 0;
    fields >> slot >> local >> remote >> state >> queues >> timer >> retrans >> uid >> timeout >>
        inode;
    if (inodes.count(inode) == 0)
      continue;
    auto colon = local.rfind(':');
    if (colon == std::string::npos)
      continue;
    out[static_cast<unsigned short>(std::stoul(local.substr(colon + 1), nullptr, 16))] = pid;
  }
}

} // namespace

std::map<unsigned short, pid_t> local_ports_of(const std::vector<pid_t>& pids) {
  std::map<unsigned short, pid_t> out;
  for (auto pid : pids) {
    auto inodes = socket_inodes(pid);
    if (inodes.empty())
      continue;
    auto base = "/proc/" + std::to_string(pid) + "/net/";
    scan_table(base + "tcp", inodes, pid, out);
    scan_table(base + "tcp6", inodes, pid, out);
  }
  return out;
}

port_owner_sampler::port_owner_sampler(std::vector<pid_t> pids, std::chrono::milliseconds every)
    : pids_(std::move(pids)), every_(every), thread_([this] {
        while (running_) {
          auto now = local_ports_of(pids_);
          {
            std::lock_guard<std::mutex> guard{mutex_};
            for (auto& [port, pid] : now)
              owners_[port] = pid;
          }
          std::this_thread::sleep_for(every_);
        }
      }) {}

port_owner_sampler::~port_owner_sampler() {
  stop();
}

std::map<unsigned short, pid_t> port_owner_sampler::stop() {
  running_ = false;
  if (thread_.joinable())
    thread_.join();
  std::lock_guard<std::mutex> guard{mutex_};
  return owners_;
}

} // namespace courier::test
