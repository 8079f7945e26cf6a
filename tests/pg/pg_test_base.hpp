#pragma once
// Shared set-up of the Postgres-backed tests: a fresh migrated database per test on
// the process-wide throwaway cluster, a subscriber on 127.0.0.1, and a node harness.
#include "tests/support/emitter.hpp"
#include "tests/support/node_harness.hpp"
#include "tests/support/pg_instance.hpp"
#include "tests/support/subscriber.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

namespace courier::test {

using namespace std::chrono_literals;

class pg_test : public ::testing::Test {
protected:
  void SetUp() override {
    db_ = pg_instance::shared().create_database("t");
    nodes_ = std::make_unique<node_harness>(db_);
  }

  void TearDown() override {
    if (HasFailure())
      for (const auto& id : started_)
        if (nodes_->has(id))
          std::cerr << "---- log of " << id << " ----\n"
                    << nodes_->node(id).log().substr(0, 20000) << "\n";
  }

  courierd_process& start_node(const std::string& id, std::vector<std::string> extra = {}) {
    started_.push_back(id);
    return nodes_->start(id, std::move(extra));
  }

  // Creates a hook on the subscriber's path /h/<name>.
  std::int64_t hook(const std::string& name, const std::vector<std::string>& types = {"*"}) {
    secrets_[name] = random_secret();
    return create_hook(db_, sub_.url_for(name), secrets_[name], types);
  }

  bool delivered_through(const std::string& name, std::int64_t seq,
                         std::chrono::milliseconds timeout = 30s) {
    return sub_.wait_for([&] { return sub_.contiguous_seq(name) >= seq; }, timeout);
  }

  std::int64_t scalar(const std::string& sql) { return nodes_->scalar_int(sql); }

  // The error `sql` raises in database `db` (what()), empty when it succeeds.
  static std::string error_in(const std::string& db, const std::string& sql) {
    try {
      pg_instance::exec_scalar(db, sql);
    } catch (const std::exception& e) {
      return e.what();
    }
    return {};
  }
  std::string error_of(const std::string& sql) { return error_in(db_, sql); }

  // Re-grids the still empty outbox into partitions of 1,000 events (0..partitions-1),
  // so rotation can be exercised with thousands of events instead of millions.
  void small_outbox_partitions(int partitions) {
    pg_instance::exec_scalar(db_, "DROP TABLE courier.outbox_0, courier.events_0, "
                                  "courier.outbox_1, courier.events_1, "
                                  "courier.outbox_2, courier.events_2");
    pg_instance::exec_scalar(db_, "SELECT courier.partition_count()");
    pg_instance::exec_scalar(db_, "UPDATE courier.settings SET events_per_partition = 1000");
    pg_instance::exec_scalar(db_, "SELECT courier.ensure_partitions(" +
                                      std::to_string(partitions - 1) + ")");
  }

  std::string db_;
  subscriber sub_;
  std::unique_ptr<node_harness> nodes_;
  std::map<std::string, std::string> secrets_;
  std::vector<std::string> started_;
};

} // namespace courier::test
