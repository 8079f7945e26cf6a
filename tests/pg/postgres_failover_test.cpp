// Guarantees 1-3 through a Postgres primary failover, as Patroni or a cloud HA service
// does it: a primary with a synchronous streaming standby, two nodes on the multi-host
// URL `postgresql://h1,h2/db?target_session_attrs=read-write`, the primary killed -9
// mid-stream and the standby promoted. Every commit the application saw acknowledged is
// delivered, in per-hook order; the nodes report the outage on /readyz; the leases come
// back on the new primary with epochs above the replicated ones; and no hook ever has
// two senders, even when the old owner was stalled and the promotion is instant.
// Deliveries are attributed to nodes by the sender's TCP port (tests/support/socket_owner).
#include "tests/support/acked_writer.hpp"
#include "tests/support/admin_probe.hpp"
#include "tests/support/emitter.hpp"
#include "tests/support/log_times.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/socket_owner.hpp"
#include "tests/support/subscriber.hpp"

#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <atomic>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace courier::test {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;
using wall = std::chrono::system_clock;

constexpr int partitions = 256;
// node_harness::test_defaults(): the fence closes this long after the last heartbeat.
constexpr auto self_expiry = 2000ms;

std::map<int, std::int64_t> lease_epochs(const std::string& url) {
  pqxx::connection conn{url};
  pqxx::nontransaction tx{conn};
  std::map<int, std::int64_t> out;
  for (const auto& row : tx.exec("SELECT partition, epoch FROM courier.leases"))
    out[row[0].as<int>()] = row[1].as<std::int64_t>();
  return out;
}

// The n of a {"type", "timestamp", "data": {"n": N}} body; -1 when absent.
std::int64_t payload_n(const std::string& body) {
  auto at = body.find("\"n\":");
  return at == std::string::npos ? -1 : std::atoll(body.c_str() + at + 4);
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  auto deadline = steady::now() + timeout;
  while (!pred()) {
    if (steady::now() >= deadline)
      return false;
    std::this_thread::sleep_for(50ms);
  }
  return true;
}

long long ms(steady::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

struct readiness_sample {
  steady::time_point at;
  int node = 0; // index into the polled ports
  int status = 0;
};

// Polls GET /readyz on every port every 50 ms on its own thread until stop().
class readiness_poller {
public:
  explicit readiness_poller(std::vector<int> ports)
      : ports_(std::move(ports)), thread_([this] {
          while (running_) {
            for (int i = 0; i < static_cast<int>(ports_.size()); ++i) {
              int status = http_get_status(ports_[i], "/readyz", 1s);
              std::lock_guard<std::mutex> guard{mutex_};
              samples_.push_back({steady::now(), i, status});
            }
            std::this_thread::sleep_for(50ms);
          }
        }) {}
  ~readiness_poller() { stop(); }

  void stop() {
    running_ = false;
    if (thread_.joinable())
      thread_.join();
  }
  std::vector<readiness_sample> samples() const {
    std::lock_guard<std::mutex> guard{mutex_};
    return samples_;
  }
  bool saw(int node, int status, steady::time_point after) const {
    for (const auto& s : samples())
      if (s.node == node && s.status == status && s.at >= after)
        return true;
    return false;
  }

private:
  std::vector<int> ports_;
  std::atomic<bool> running_{true};
  mutable std::mutex mutex_;
  std::vector<readiness_sample> samples_;
  std::thread thread_;
};

// A primary with a synchronous standby, a test database on it, hooks on a subscriber
// and two nodes "a" and "b" on the multi-host URL; the primary is the test's own
// cluster (the shared one must survive).
class postgres_failover : public ::testing::Test {
protected:
  void SetUp() override {
    primary_ = std::make_unique<pg_instance>();
    auto db = primary_->create_database("failover");
    standby_ = primary_->start_standby();
    primary_->require_synchronous_standby();
    url_ = "postgresql://postgres@127.0.0.1:" + std::to_string(primary_->port()) +
           ",127.0.0.1:" + std::to_string(standby_->port()) + db.substr(db.rfind('/')) +
           "?target_session_attrs=read-write";
    nodes_ = std::make_unique<node_harness>(url_);
  }

  void start_nodes(int hooks, std::vector<std::string> a_extra = {}) {
    for (int h = 0; h < hooks; ++h) {
      auto name = "h" + std::to_string(h);
      hook_ids_[name] = create_hook(url_, sub_.url_for(name), random_secret());
    }
    node_ = {&nodes_->start("a", std::move(a_extra)), &nodes_->start("b")};
    ASSERT_TRUE(nodes_->wait_balanced({"a", "b"}, partitions, 60s));
  }

  // Crashes the primary; after `outage` (the HA manager's detection time) promotes the
  // standby. Records when, in both clocks.
  void fail_over(std::chrono::milliseconds outage) {
    crashed_at_ = steady::now();
    primary_->crash();
    std::this_thread::sleep_for(outage);
    promoting_at_ = steady::now();
    standby_->promote();
    promoted_at_ = steady::now();
    promoted_wall_ = wall::now();
  }

  // Every seq the new primary has for each hook arrived, and per-hook order held.
  void expect_all_delivered_in_order() {
    for (const auto& [name, id] : hook_ids_) {
      auto last = nodes_->scalar_int("SELECT next_seq - 1 FROM courier.streams WHERE hook_id = " +
                                     std::to_string(id));
      EXPECT_TRUE(sub_.wait_for_seq(name, last, 60s)) << name << " stuck before " << last;
    }
    EXPECT_TRUE(sub_.order_violations().empty());
  }

  // When each node first acquired leases on the new primary (from its log).
  std::map<pid_t, steady::time_point> reacquired() const {
    std::map<pid_t, steady::time_point> out;
    for (auto* n : node_)
      for (auto t : log_times(n->log(), "acquired "))
        if (t >= promoted_wall_) {
          out[n->pid()] = promoted_at_ + (t - promoted_wall_);
          break;
        }
    return out;
  }

  // Two senders at once: a node delivering a hook on its old leases (after the crash,
  // before it acquired any on the new primary) later than another node's first
  // delivery of that hook on new-primary leases. Returns how many such deliveries.
  int overlapping_deliveries(const std::map<unsigned short, pid_t>& owners) const {
    auto back = reacquired();
    EXPECT_EQ(back.size(), 2u) << "a node logged no acquisition after the promotion";
    std::map<std::pair<std::string, pid_t>, steady::time_point> first_new, last_old;
    for (const auto& d : sub_.received_all()) {
      auto it = owners.find(d.peer_port);
      if (d.at < crashed_at_ || it == owners.end())
        continue;
      auto key = std::make_pair(d.path, it->second);
      auto acquired = back.count(it->second) > 0 ? back[it->second] : steady::time_point::max();
      // The acquisition is logged just after it happens: allow its millisecond rounding.
      if (d.at + 5ms >= acquired) {
        if (first_new.count(key) == 0)
          first_new[key] = d.at;
      } else {
        last_old[key] = std::max(last_old[key], d.at);
      }
    }
    int overlaps = 0;
    for (const auto& [old_key, old_at] : last_old)
      for (const auto& [new_key, new_at] : first_new)
        if (old_key.first == new_key.first && old_key.second != new_key.second && old_at > new_at) {
          ADD_FAILURE() << old_key.first << ": pid " << old_key.second
                        << " delivered on its old lease " << ms(old_at - new_at) << " ms after pid "
                        << new_key.second << " had taken over";
          ++overlaps;
        }
    return overlaps;
  }

  std::unique_ptr<pg_instance> primary_;
  std::unique_ptr<pg_instance> standby_;
  std::string url_;
  subscriber sub_;
  std::map<std::string, std::int64_t> hook_ids_;
  std::unique_ptr<node_harness> nodes_;
  std::vector<courierd_process*> node_;
  steady::time_point crashed_at_, promoting_at_, promoted_at_;
  wall::time_point promoted_wall_;
};

TEST_F(postgres_failover, synchronous_standby_promoted_loses_no_acknowledged_event) {
  behaviour slow; // keep deliveries in flight when the primary dies
  slow.delay_ms = 2;
  sub_.set_default_behaviour(slow);
  ASSERT_NO_FATAL_FAILURE(start_nodes(6));
  readiness_poller ready{{admin_port(*node_[0], 30s), admin_port(*node_[1], 30s)}};
  port_owner_sampler owners{{node_[0]->pid(), node_[1]->pid()}};
  acked_writer writer{url_, "tick", 10ms};
  auto start = steady::now();
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count() >= 600; }, 60s));
  ASSERT_TRUE(ready.saw(0, 200, start) && ready.saw(1, 200, start));

  const auto epochs_before = lease_epochs(url_);
  // Patroni's detection time is its ttl (30 s by default); 3.5 s is already longer than
  // the self-expiry, so every old owner has stopped by itself before the promotion.
  fail_over(3500ms);
  EXPECT_TRUE(eventually([&] { return ready.saw(0, 200, promoted_at_); }, 60s)) << "a not ready";
  EXPECT_TRUE(eventually([&] { return ready.saw(1, 200, promoted_at_); }, 60s)) << "b not ready";
  ASSERT_TRUE(nodes_->wait_balanced({"a", "b"}, partitions, 60s));
  std::this_thread::sleep_for(2s); // traffic on the new primary
  writer.stop();
  ready.stop();

  // 1. Every acknowledged commit is delivered on every hook, in order.
  expect_all_delivered_in_order();
  auto acked = writer.acknowledged();
  auto doubtful = writer.in_doubt();
  ASSERT_GT(acked.size(), 300u);
  std::size_t doubtful_delivered = 0;
  for (const auto& [name, id] : hook_ids_) {
    std::set<std::int64_t> delivered;
    for (const auto& d : sub_.received(name))
      if (d.status_sent >= 200 && d.status_sent < 300)
        delivered.insert(payload_n(d.body));
    std::size_t missing = 0;
    for (auto n : acked)
      missing += delivered.count(n) == 0 ? 1 : 0;
    EXPECT_EQ(missing, 0u) << name << ": acknowledged events not delivered";
    for (auto n : doubtful)
      doubtful_delivered += delivered.count(n);
  }

  // 2. The leases continue on the new primary: every partition was re-acquired there,
  //    with an epoch above the one replicated from the old primary.
  auto epochs_after = lease_epochs(url_);
  for (const auto& [partition, epoch] : epochs_before)
    EXPECT_GT(epochs_after[partition], epoch) << "partition " << partition;

  // 3. /readyz reports the gap: each node notices (503) within the self-expiry and
  //    stays unready until the new primary is up.
  for (int i = 0; i < 2; ++i) {
    steady::time_point noticed{};
    int ready_in_gap = 0;
    for (const auto& s : ready.samples()) {
      if (s.node != i || s.at < crashed_at_ || s.at >= promoting_at_)
        continue;
      if (s.status == 503 && noticed == steady::time_point{})
        noticed = s.at;
      if (s.status == 200 && noticed != steady::time_point{})
        ++ready_in_gap;
    }
    EXPECT_NE(noticed, steady::time_point{}) << "node " << i << " never reported 503";
    EXPECT_LT(noticed - crashed_at_, self_expiry) << "node " << i << " noticed late";
    EXPECT_EQ(ready_in_gap, 0) << "node " << i << " reported ready without a database";
  }

  // 4. One sender per hook: past the self-expiry nobody delivers until the standby is
  //    promoted, and nobody delivers on old leases once another node took over.
  auto seen = owners.stop();
  int in_gap = 0;
  for (const auto& d : sub_.received_all())
    if (d.at > crashed_at_ + self_expiry + 500ms && d.at < promoting_at_)
      ++in_gap;
  EXPECT_EQ(in_gap, 0) << "deliveries while no node could hold a lease";
  EXPECT_EQ(overlapping_deliveries(seen), 0);
  for (auto* n : node_) {
    EXPECT_NE(n->log().find("lost all"), std::string::npos);
    EXPECT_TRUE(n->running());
  }
  auto back = reacquired();
  auto last_back = std::max(back.begin()->second, back.rbegin()->second);
  std::cout << "[failover] acknowledged " << acked.size() << ", in doubt " << doubtful.size()
            << " (delivered on " << doubtful_delivered << " hook streams), not committed "
            << writer.not_committed() << "; pg_ctl promote took "
            << ms(promoted_at_ - promoting_at_) << " ms; both nodes held leases again "
            << ms(last_back - promoted_at_) << " ms after it\n";
}

// The worst case for the fence: the old owner is stalled (SIGSTOP) at the crash with
// requests queued in its HTTP client, the promotion is instant, and the owner wakes
// while its self-expiry fence is still open. Its queued requests may go out then, so
// no other node may deliver its hooks yet: a fresh lease session waits out the
// self-expiry before taking partitions another node held.
TEST_F(postgres_failover, a_stalled_old_owner_never_overlaps_the_new_owner) {
  behaviour slow; // with two request slots, `a` always has requests queued
  slow.delay_ms = 100;
  sub_.set_default_behaviour(slow);
  ASSERT_NO_FATAL_FAILURE(start_nodes(20, {"--max_in_flight", "2"}));
  port_owner_sampler owners{{node_[0]->pid(), node_[1]->pid()}};
  { // a backlog on every hook; `a` drains its ten hooks at 2 requests per 100 ms
    pqxx::connection conn{url_};
    pqxx::work tx{conn};
    emit_batch(tx, "backlog", numbered_payloads(10));
    tx.commit();
  }
  acked_writer writer{url_, "tick", 500ms};
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count() >= 60; }, 60s));

  auto& a = *node_[0];
  a.freeze();
  auto frozen_at = steady::now();
  fail_over(0ms);
  // `a` confirmed its lease at most one lease tick (200 ms) before the freeze: wake it
  // well inside its self-expiry, after `b` could have reconnected to the new primary.
  std::this_thread::sleep_until(frozen_at + self_expiry - 600ms);
  a.thaw();
  ASSERT_TRUE(nodes_->wait_balanced({"a", "b"}, partitions, 60s));
  std::this_thread::sleep_for(1s);
  writer.stop();
  expect_all_delivered_in_order();
  EXPECT_EQ(overlapping_deliveries(owners.stop()), 0);
  EXPECT_TRUE(a.running());
}

} // namespace
} // namespace courier::test
