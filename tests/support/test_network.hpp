#pragma once
// test_network owns a private IPv4 network of Linux network namespaces for one test: a
// router namespace and, per member, a namespace joined to the router by a veth pair with
// its own /30 out of a free 10.213.<x>.0/24. The test process stays in the root
// namespace as member "host". cut() makes the router drop a pair's packets both ways,
// silently, as a failed switch or a firewall does: no error, no reset, only silence.
// Used by the test thread that built it; everything is removed by the destructor (also
// after a failed test), and leftovers of a crashed run by the next construction.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace courier::test {

class test_network {
public:
  static constexpr const char* host = "host"; // the root namespace: the test process

  // Why this process may not create network namespaces (not root, no CAP_NET_ADMIN, a
  // sandbox without them), or "" when it may. Other failures are not reported here:
  // they make the constructor throw, so a broken set-up fails instead of skipping.
  static std::string permission_problem();

  // Members are short names such as "pg" or "a". Throws std::runtime_error naming the
  // `ip` command that failed and its output.
  explicit test_network(const std::vector<std::string>& members);
  ~test_network();
  test_network(const test_network&) = delete;
  test_network& operator=(const test_network&) = delete;

  std::string address(const std::string& member) const; // IPv4 address, e.g. 10.213.7.14
  std::string subnet() const;                           // "10.213.<x>.0/24"
  // {"ip", "netns", "exec", <namespace>}: runs a program inside the member's namespace
  // (ip execs it in place, so its pid is the program's); empty for host.
  std::vector<std::string> exec_prefix(const std::string& member) const;

  // From now on the router drops every packet between the two members, both ways;
  // heal() forwards them again. Connections survive a heal unless an end gave up.
  void cut(const std::string& a, const std::string& b);
  void heal(const std::string& a, const std::string& b);

private:
  struct link {
    int index = 0;         // the link's /30 is 10.213.<x>.<4 * index>
    std::string netns;     // empty for host
    std::string interface; // the member's end: eth0 in its namespace, prefix_ on host
  };
  std::string ip_of(int index, int host_part) const;
  const link& member(const std::string& name) const;
  void add_member(const std::string& name, int index);
  void remove_all() noexcept; // what exists of ours; failures are only printed
  std::vector<std::string> blackhole_rule(const char* verb, const std::string& from,
                                          const std::string& to) const;

  std::string prefix_; // cn<pid>-<n>: names of every namespace and host interface of ours
  std::string router_;
  int octet_ = 0;
  std::map<std::string, link> members_;
  std::set<std::pair<std::string, std::string>> cuts_;
};

} // namespace courier::test
