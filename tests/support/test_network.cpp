#include "tests/support/test_network.hpp"

#include "tests/support/command.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <mutex>
#include <regex>
#include <sstream>
#include <stdexcept>

#include <unistd.h>

namespace courier::test {
namespace {

using namespace std::chrono_literals;

command_result ip(std::vector<std::string> args) {
  args.insert(args.begin(), "ip");
  return run_command(args, 30s);
}

void must(const std::vector<std::string>& args) {
  auto r = ip(args);
  if (r.exit_code != 0) {
    std::vector<std::string> argv{"ip"};
    argv.insert(argv.end(), args.begin(), args.end());
    throw std::runtime_error("test_network: `" + shell_quote(argv) + "` failed (exit " +
                             std::to_string(r.exit_code) + "): " + r.output);
  }
}

// Prefixes of this process's networks that exist now.
std::mutex live_mutex;
std::set<std::string> live_prefixes;

// A namespace or interface of a test_network ("cn<pid>-<n>...") whose process is gone.
// A live pid counts as the owner (it may have been reused: then the leftovers stay, with
// names and a subnet nobody else takes). Names with our own pid that none of our live
// networks has come from an earlier process that had this pid.
bool stale(const std::string& name) {
  static const std::regex ours{R"(^(cn([0-9]+)-[^-]+).*)"};
  std::smatch m;
  if (!std::regex_match(name, m, ours)) {
    return false;
  }
  const auto pid = static_cast<pid_t>(std::stol(m[2]));
  if (pid == ::getpid()) {
    std::lock_guard<std::mutex> lock(live_mutex);
    return live_prefixes.count(m[1]) == 0;
  }
  return ::kill(pid, 0) != 0 && errno == ESRCH;
}

// Leftovers of a test process killed before its destructors ran. Deleting a namespace
// also deletes its ends of the veth pairs, and so their peers.
void remove_stale() {
  std::istringstream namespaces{ip({"netns", "list"}).output}; // "name (id: 3)" per line
  for (std::string line; std::getline(namespaces, line);) {
    std::string name = line.substr(0, line.find(' '));
    if (stale(name)) {
      ip({"netns", "del", name});
    }
  }
  std::istringstream links{ip({"-o", "link", "show"}).output}; // "12: name@if3: <...>"
  for (std::string line; std::getline(links, line);) {
    auto start = line.find(": ");
    if (start == std::string::npos) {
      continue;
    }
    start += 2;
    std::string name = line.substr(start, line.find_first_of("@:", start) - start);
    if (stale(name)) {
      ip({"link", "del", name});
    }
  }
}

// A third octet x such that nothing in the root namespace uses 10.213.x.0/24 yet (the
// host end of every live test_network holds an address and a route there).
int free_octet() {
  const std::string used =
      ip({"-4", "-o", "addr", "show"}).output + ip({"-4", "route", "show"}).output;
  for (int i = 0; i < 254; ++i) {
    int x = 1 + static_cast<int>((static_cast<long>(::getpid()) * 31 + i) % 254);
    if (used.find("10.213." + std::to_string(x) + ".") == std::string::npos) {
      return x;
    }
  }
  throw std::runtime_error("test_network: every 10.213.x.0/24 is in use");
}

// The router's job: forward packets between its interfaces (off in a new namespace).
std::vector<std::string> enable_forwarding(const std::string& netns) {
  return {"netns", "exec", netns, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"};
}

} // namespace

std::string test_network::permission_problem() {
  const std::string probe = "cn" + std::to_string(::getpid()) + "-probe";
  std::string step = "ip netns add";
  auto r = ip({"netns", "add", probe});
  if (r.exit_code == 0) {
    step = "enabling IP forwarding in a namespace";
    r = ip(enable_forwarding(probe));
    ip({"netns", "del", probe});
  }
  const bool refused = r.output.find("not permitted") != std::string::npos ||
                       r.output.find("Permission denied") != std::string::npos ||
                       r.output.find("Read-only file system") != std::string::npos;
  if (r.exit_code == 0 || !refused) {
    return {};
  }
  return "network namespaces are not permitted here (" + step + ": " +
         r.output.substr(0, r.output.find('\n')) +
         "); these tests need root, or CAP_NET_ADMIN and CAP_SYS_ADMIN and a writable /proc/sys";
}

test_network::test_network(const std::vector<std::string>& members) {
  static std::atomic<int> instances{0};
  prefix_ = "cn" + std::to_string(::getpid()) + "-" + std::to_string(instances++);
  router_ = prefix_ + "-router";
  remove_stale();
  {
    std::lock_guard<std::mutex> lock(live_mutex);
    live_prefixes.insert(prefix_);
  }
  octet_ = free_octet();
  try {
    must({"netns", "add", router_});
    must({"-n", router_, "link", "set", "lo", "up"});
    must(enable_forwarding(router_));
    add_member(host, 1);
    int index = 2;
    for (const auto& name : members) {
      add_member(name, index++);
    }
  } catch (...) {
    remove_all();
    throw;
  }
}

test_network::~test_network() {
  remove_all();
}

void test_network::remove_all() noexcept {
  try {
    for (const auto& [name, l] : members_) {
      if (!l.netns.empty()) {
        auto r = ip({"netns", "del", l.netns});
        if (r.exit_code != 0) {
          std::cerr << "[test_network] ip netns del " << l.netns << ": " << r.output;
        }
      }
    }
    ip({"netns", "del", router_});
    ip({"link", "del", prefix_}); // normally gone with its peer in the router already
  } catch (const std::exception& e) {
    std::cerr << "[test_network] teardown of " << prefix_ << ": " << e.what() << "\n";
  }
  std::lock_guard<std::mutex> lock(live_mutex);
  live_prefixes.erase(prefix_);
}

void test_network::add_member(const std::string& name, int index) {
  if (members_.count(name) > 0 || name.empty()) {
    throw std::invalid_argument("test_network: bad or repeated member name '" + name + "'");
  }
  link& l = members_[name];
  l.index = index;
  const std::string router_end = "m" + std::to_string(index);
  if (name == host) {
    l.interface = prefix_;
    must({"link", "add", "name", l.interface, "type", "veth", "peer", "name", router_end, "netns",
          router_});
  } else {
    l.netns = prefix_ + "-" + name;
    l.interface = "eth0";
    must({"netns", "add", l.netns});
    must({"-n", l.netns, "link", "set", "lo", "up"});
    must({"-n", router_, "link", "add", "name", router_end, "type", "veth", "peer", "name",
          l.interface, "netns", l.netns});
  }
  auto in_member = [&l](std::vector<std::string> args) {
    if (!l.netns.empty()) {
      args.insert(args.begin(), {"-n", l.netns});
    }
    must(args);
  };
  must({"-n", router_, "addr", "add", ip_of(index, 1) + "/30", "dev", router_end});
  must({"-n", router_, "link", "set", router_end, "up"});
  in_member({"addr", "add", ip_of(index, 2) + "/30", "dev", l.interface});
  in_member({"link", "set", l.interface, "up"});
  if (name == host) {
    in_member({"route", "add", subnet(), "via", ip_of(index, 1), "dev", l.interface});
  } else {
    in_member({"route", "add", "default", "via", ip_of(index, 1)});
  }
}

std::string test_network::ip_of(int index, int host_part) const {
  return "10.213." + std::to_string(octet_) + "." + std::to_string(4 * index + host_part);
}

const test_network::link& test_network::member(const std::string& name) const {
  auto it = members_.find(name);
  if (it == members_.end()) {
    throw std::out_of_range("test_network: no member '" + name + "'");
  }
  return it->second;
}

std::string test_network::address(const std::string& name) const {
  return ip_of(member(name).index, 2);
}

std::string test_network::subnet() const {
  return "10.213." + std::to_string(octet_) + ".0/24";
}

std::vector<std::string> test_network::exec_prefix(const std::string& name) const {
  const auto& l = member(name);
  if (l.netns.empty()) {
    return {};
  }
  return {"ip", "netns", "exec", l.netns};
}

std::vector<std::string> test_network::blackhole_rule(const char* verb, const std::string& from,
                                                      const std::string& to) const {
  return {"-n", router_, "rule", verb, "from", address(from), "to", address(to), "blackhole"};
}

// Policy rules in the router: a forwarded packet that matches is discarded without an
// ICMP answer, so neither end learns anything. (A blackhole route at an end instead
// would fail that end's own sends with EINVAL at once: an error, not a partition.)
void test_network::cut(const std::string& a, const std::string& b) {
  if (cuts_.insert(std::minmax(a, b)).second) {
    must(blackhole_rule("add", a, b));
    must(blackhole_rule("add", b, a));
  }
}

void test_network::heal(const std::string& a, const std::string& b) {
  if (cuts_.erase(std::minmax(a, b)) > 0) {
    must(blackhole_rule("del", a, b));
    must(blackhole_rule("del", b, a));
  }
}

} // namespace courier::test
