#pragma once
// Shared set-up of the network-partition tests: a test_network with Postgres in a
// namespace of its own ("pg") and one per node ("a", "b"), the subscriber on the host
// side of it, and the bookkeeping to tell which node sent what: every namespace has its
// own address, so the sender of a delivery is its source address.
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"
#include "tests/support/test_network.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace courier::test {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// Consecutive deliveries of one hook from the same node.
struct sender_run {
  std::string node;
  steady::time_point first, last;
  std::size_t deliveries = 0;
};

class netns_test : public ::testing::Test {
protected:
  // node_harness::test_defaults() runs nodes with this self-expiry.
  static constexpr std::chrono::milliseconds self_expiry{2000};

  void SetUp() override;
  void TearDown() override;

  courierd_process& start_node(const std::string& id, std::vector<std::string> extra = {});
  void make_hooks(int count); // h0, h1, ... on the subscriber
  const std::vector<std::string>& hook_names() const { return names_; }

  // The node (member name) whose address sent d; its address when it is none of them.
  std::string sender(const delivery& d) const;
  std::vector<sender_run> sender_runs(const std::string& hook) const;
  // Hooks by the node that holds their partition now (courier.hook_status).
  std::map<std::string, std::vector<std::string>> hooks_by_owner() const;
  // The lease epoch of each hook's partition: it grows by one per acquisition.
  std::map<std::string, std::int64_t> epochs() const;
  std::int64_t head_attempts(const std::string& hook) const;
  // First arrival of each seq answered 2xx.
  std::map<std::int64_t, delivery> first_successes(const std::string& hook) const;

  bool all_delivered_through(std::int64_t seq, std::chrono::milliseconds timeout);
  // Polls pred every 20 ms until it holds (true) or the timeout passes (false).
  static bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout);
  std::int64_t scalar(const std::string& sql) const { return nodes_->scalar_int(sql); }
  // Every delivery of every hook carries a valid signature.
  void expect_signed();

  std::unique_ptr<test_network> net_;
  std::unique_ptr<pg_instance> pg_;
  std::unique_ptr<subscriber> sub_;
  std::unique_ptr<node_harness> nodes_;
  std::string db_;

private:
  std::vector<std::string> names_;
  std::map<std::string, std::int64_t> ids_;
  std::map<std::string, std::string> secrets_;
  std::vector<std::string> started_;
};

} // namespace courier::test
