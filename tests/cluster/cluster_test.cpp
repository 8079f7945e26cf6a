// The cluster of CONTRACT.md with real courierd processes: partitions leased through
// advisory locks, rebalanced on join/leave, taken over on kill -9 and on a frozen
// node, with every event delivered in per-hook order throughout.
#include "tests/pg/pg_test_base.hpp"

#include "tests/support/command.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <random>
#include <thread>

namespace courier::test {
namespace {

class cluster : public pg_test {
protected:
  // Every `period`, checks that no partition is held by two sessions at once and that
  // held partitions never exceed the total. Runs until stopped.
  class lease_sampler {
  public:
    explicit lease_sampler(std::string db) : db_(std::move(db)) {
      thread_ = std::thread{[this] {
        run();
      }};
    }
    ~lease_sampler() { stop(); }
    void stop() {
      done_ = true;
      if (thread_.joinable())
        thread_.join();
    }
    int samples() const { return samples_; }
    int double_owned() const { return double_owned_; }

  private:
    void run() {
      pqxx::connection conn{db_};
      while (!done_) {
        pqxx::nontransaction tx{conn};
        auto doubles = tx.exec("SELECT count(*) FROM (SELECT partition FROM courier.lease_locks "
                               "GROUP BY partition HAVING count(DISTINCT pid) > 1) d")[0][0]
                           .as<int>();
        double_owned_ += doubles;
        ++samples_;
        std::this_thread::sleep_for(100ms);
      }
    }
    std::string db_;
    std::atomic<bool> done_{false};
    std::atomic<int> samples_{0};
    std::atomic<int> double_owned_{0};
    std::thread thread_;
  };

  bool settled(const std::vector<std::string>& live, int partitions, std::chrono::seconds timeout) {
    return nodes_->wait_balanced(live, partitions, timeout);
  }
};

TEST_F(cluster, chaos_kill_join_leave_freeze_delivers_everything_in_order) {
  constexpr int hooks = 500;
  constexpr int events = 50000;
  subscriber_options quiet;
  quiet.keep_bodies = false;
  quiet.threads = 4;
  subscriber sub{quiet};
  std::vector<std::int64_t> ids;
  for (int h = 0; h < hooks; ++h)
    ids.push_back(create_hook(db_, sub.url_for("h" + std::to_string(h)), random_secret()));
  for (const char* id : {"n1", "n2", "n3"})
    start_node(id);
  ASSERT_TRUE(settled({"n1", "n2", "n3"}, 256, 30s));
  lease_sampler sampler{db_};

  // The writer emits throughout the chaos: ~2,500 events/s in 100-event transactions.
  std::atomic<int> emitted{0};
  std::thread writer{[&] {
    pqxx::connection conn{db_};
    std::mt19937 rng{42};
    std::uniform_int_distribution<int> pick{0, hooks - 1};
    while (emitted < events) {
      pqxx::work tx{conn};
      for (int i = 0; i < 100; ++i)
        emit_to(tx, ids[pick(rng)], "tick", "{}");
      tx.commit();
      emitted += 100;
      std::this_thread::sleep_for(40ms);
    }
  }};
  auto wait_emitted = [&](int n) {
    while (emitted < n)
      std::this_thread::sleep_for(50ms);
  };
  wait_emitted(5000);
  nodes_->node("n1").kill9(); // crash: its locks go with its connection
  wait_emitted(12000);
  start_node("n4"); // join: partitions are handed over gracefully
  wait_emitted(20000);
  auto graceful = nodes_->stop("n2"); // leave: drain, flush, release
  EXPECT_EQ(graceful, 0);
  wait_emitted(26000);
  auto& frozen = nodes_->node("n3");
  frozen.freeze(); // past lease_self_expiry (2 s): the survivor ends its session at 4 s
  std::this_thread::sleep_for(6s);
  frozen.thaw();
  writer.join();

  // Every committed event arrives, in per-hook order.
  std::int64_t expected_total = 0;
  std::vector<std::int64_t> per_hook(hooks);
  {
    pqxx::connection conn{db_};
    pqxx::nontransaction tx{conn};
    for (const auto& row : tx.exec("SELECT hook_id, next_seq - 1 FROM courier.streams"))
      for (int h = 0; h < hooks; ++h)
        if (ids[h] == row[0].as<std::int64_t>())
          per_hook[h] = row[1].as<std::int64_t>();
  }
  for (auto n : per_hook)
    expected_total += n;
  ASSERT_EQ(expected_total, events);
  bool all = sub.wait_for(
      [&] {
        for (int h = 0; h < hooks; ++h)
          if (sub.contiguous_seq("h" + std::to_string(h)) < per_hook[h])
            return false;
        return true;
      },
      180s);
  ASSERT_TRUE(all) << "undelivered after chaos";
  EXPECT_TRUE(sub.order_violations().empty()) << sub.order_violations().size() << " violations";
  std::size_t dups = 0;
  for (int h = 0; h < hooks; ++h)
    dups += sub.duplicates("h" + std::to_string(h));
  std::cout << "[chaos] events " << events << ", requests " << sub.count() << ", duplicates "
            << dups << ", lease samples " << sampler.samples() << "\n";
  sampler.stop();
  EXPECT_EQ(sampler.double_owned(), 0);
  EXPECT_GT(sampler.samples(), 50);

  // The frozen node noticed it had lost its leases before it delivered again.
  auto log = frozen.log();
  EXPECT_NE(log.find("lost all"), std::string::npos)
      << log.substr(log.size() > 4000 ? log.size() - 4000 : 0);
  // The crash of n1 was reported as a takeover by whoever took its partitions.
  bool reported = false;
  for (const char* id : {"n2", "n3", "n4"})
    reported |= nodes_->node(id).log().find("from node n1") != std::string::npos;
  EXPECT_TRUE(reported) << "no takeover log line for the killed node";
  // Survivors settle to a fair split.
  EXPECT_TRUE(settled({"n3", "n4"}, 256, 30s));
}

TEST_F(cluster, joins_and_leaves_settle_to_within_one_partition) {
  start_node("a");
  ASSERT_TRUE(settled({"a"}, 256, 20s));
  start_node("b");
  start_node("c");
  EXPECT_TRUE(settled({"a", "b", "c"}, 256, 30s)) << "3 nodes: 86/85/85";
  // The operator's view agrees, for people and for scripts.
  auto ctl = pg_instance::courierctl_path();
  auto json = run_command({ctl, "cluster", "status", "--db", db_, "--json"});
  EXPECT_EQ(json.exit_code, 0) << json.output;
  EXPECT_NE(json.output.find(R"("partitions_leased":256)"), std::string::npos) << json.output;
  EXPECT_NE(json.output.find(R"("node_id":"b")"), std::string::npos) << json.output;
  auto table = run_command({ctl, "cluster", "status", "--db", db_});
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("PARTITIONS"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("live"), std::string::npos) << table.output;
  EXPECT_EQ(nodes_->stop("b"), 0);
  EXPECT_TRUE(settled({"a", "c"}, 256, 30s));
  start_node("d");
  start_node("e");
  EXPECT_TRUE(settled({"a", "c", "d", "e"}, 256, 30s));
}

TEST_F(cluster, graceful_sigterm_under_load_hands_over_without_duplicates) {
  constexpr int hooks = 50;
  std::vector<std::int64_t> ids;
  for (int h = 0; h < hooks; ++h)
    ids.push_back(hook("h" + std::to_string(h)));
  behaviour slowish;
  slowish.delay_ms = 5; // keep attempts in flight while the node drains
  sub_.set_default_behaviour(slowish);
  start_node("n1");
  start_node("n2");
  ASSERT_TRUE(settled({"n1", "n2"}, 256, 30s));
  for (auto id : ids)
    emit_numbered_to(db_, id, "n", 100);
  ASSERT_TRUE(sub_.wait_for([&] { return sub_.count() > 1000; }, 30s));
  EXPECT_EQ(nodes_->stop("n1"), 0);
  for (int h = 0; h < hooks; ++h)
    ASSERT_TRUE(delivered_through("h" + std::to_string(h), 100, 60s));
  std::size_t dups = 0;
  for (int h = 0; h < hooks; ++h)
    dups += sub_.duplicates("h" + std::to_string(h));
  EXPECT_EQ(dups, 0u);
  EXPECT_TRUE(sub_.order_violations().empty());
}

TEST_F(cluster, failed_deliverers_restart_and_a_repeat_offender_is_quarantined) {
  for (int h = 0; h < 5; ++h)
    hook("ok" + std::to_string(h));
  auto bad = hook("bad");
  auto& node = start_node("n1");
  for (int i = 0; i < 20; ++i)
    emit(db_, "tick", "{}");
  for (int h = 0; h < 5; ++h)
    ASSERT_TRUE(delivered_through("ok" + std::to_string(h), 20));
  // The store's connections die under the deliverers: they fail, get restarted, resume.
  pg_instance::exec_scalar(db_, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE application_name LIKE 'courier/n1/pool%'");
  for (int i = 0; i < 20; ++i)
    emit(db_, "tick", "{}");
  for (int h = 0; h < 5; ++h)
    ASSERT_TRUE(delivered_through("ok" + std::to_string(h), 40));
  // Bad data for one hook (a secret that cannot be decoded) crashes its deliverer on
  // every start: after repeated failures it is quarantined; the others carry on.
  pg_instance::exec_scalar(db_, "UPDATE courier.hooks SET secrets = '{whsec_!!!}' WHERE id = " +
                                    std::to_string(bad));
  for (int i = 0; i < 10; ++i)
    emit(db_, "tick", "{}");
  ASSERT_TRUE(sub_.wait_for(
      [&] {
        return pg_instance::exec_scalar(db_,
                                        "SELECT state FROM courier.hook_status WHERE hook_id = " +
                                            std::to_string(bad)) == "quarantined";
      },
      30s))
      << node.log();
  EXPECT_NE(node.log().find("quarantined"), std::string::npos);
  for (int h = 0; h < 5; ++h)
    ASSERT_TRUE(delivered_through("ok" + std::to_string(h), 50, 10s));
}

} // namespace
} // namespace courier::test
