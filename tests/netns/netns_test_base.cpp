#include "tests/netns/netns_test_base.hpp"

#include <pqxx/pqxx>

#include <iostream>
#include <thread>

namespace courier::test {

void netns_test::SetUp() {
  if (auto problem = test_network::permission_problem(); !problem.empty())
    GTEST_SKIP() << problem;
  net_ = std::make_unique<test_network>(std::vector<std::string>{"pg", "a", "b"});
  pg_options where;
  where.exec_prefix = net_->exec_prefix("pg");
  where.listen_address = net_->address("pg");
  where.trusted_subnet = net_->subnet();
  pg_ = std::make_unique<pg_instance>(where);
  db_ = pg_->create_database("netns");
  subscriber_options listen;
  listen.listen_address = net_->address(test_network::host);
  sub_ = std::make_unique<subscriber>(listen);
  nodes_ = std::make_unique<node_harness>(db_);
}

void netns_test::TearDown() {
  if (HasFailure() && nodes_)
    for (const auto& id : started_)
      if (nodes_->has(id))
        std::cerr << "---- log of " << id << " ----\n"
                  << nodes_->node(id).log().substr(0, 20000) << "\n";
  // Processes first: a namespace with a process left in it outlives its deletion.
  nodes_.reset();
  sub_.reset();
  pg_.reset();
  net_.reset();
}

courierd_process& netns_test::start_node(const std::string& id, std::vector<std::string> extra) {
  started_.push_back(id);
  return nodes_->start(id, std::move(extra), net_->exec_prefix(id));
}

void netns_test::make_hooks(int count) {
  for (int h = 0; h < count; ++h) {
    auto name = "h" + std::to_string(h);
    secrets_[name] = random_secret();
    ids_[name] = create_hook(db_, sub_->url_for(name), secrets_[name]);
    names_.push_back(name);
  }
}

std::string netns_test::sender(const delivery& d) const {
  for (const char* node : {"a", "b"})
    if (d.peer_address == net_->address(node))
      return node;
  return d.peer_address;
}

std::vector<sender_run> netns_test::sender_runs(const std::string& hook) const {
  std::vector<sender_run> runs;
  for (const auto& d : sub_->received(hook)) {
    auto node = sender(d);
    if (runs.empty() || runs.back().node != node)
      runs.push_back({node, d.at, d.at, 0});
    runs.back().last = d.at;
    ++runs.back().deliveries;
  }
  return runs;
}

namespace {

// hook id -> first column, for a query returning (hook_id, value) rows.
template <class T> std::map<std::int64_t, T> by_hook_id(const std::string& db, const char* sql) {
  pqxx::connection conn{db};
  pqxx::nontransaction tx{conn};
  std::map<std::int64_t, T> out;
  for (const auto& row : tx.exec(sql))
    out[row[0].as<std::int64_t>()] = row[1].is_null() ? T{} : row[1].as<T>();
  return out;
}

} // namespace

std::map<std::string, std::vector<std::string>> netns_test::hooks_by_owner() const {
  auto owner = by_hook_id<std::string>(db_, "SELECT hook_id, owner_node FROM courier.hook_status");
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& name : names_)
    out[owner[ids_.at(name)]].push_back(name);
  return out;
}

std::map<std::string, std::int64_t> netns_test::epochs() const {
  auto epoch =
      by_hook_id<std::int64_t>(db_, "SELECT h.id, l.epoch FROM courier.hooks h "
                                    "LEFT JOIN courier.leases l ON l.partition = h.partition");
  std::map<std::string, std::int64_t> out;
  for (const auto& name : names_)
    out[name] = epoch[ids_.at(name)];
  return out;
}

std::int64_t netns_test::head_attempts(const std::string& hook) const {
  return nodes_->scalar_int("SELECT head_attempts FROM courier.cursors WHERE hook_id = " +
                            std::to_string(ids_.at(hook)));
}

std::map<std::int64_t, delivery> netns_test::first_successes(const std::string& hook) const {
  std::map<std::int64_t, delivery> out;
  for (auto& d : sub_->received(hook))
    if (d.status_sent >= 200 && d.status_sent <= 299)
      out.emplace(d.seq, std::move(d));
  return out;
}

bool netns_test::all_delivered_through(std::int64_t seq, std::chrono::milliseconds timeout) {
  return sub_->wait_for(
      [&] {
        for (const auto& name : names_)
          if (sub_->contiguous_seq(name) < seq)
            return false;
        return true;
      },
      timeout);
}

bool netns_test::eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto deadline = steady::now() + timeout;
  while (!pred()) {
    if (steady::now() >= deadline)
      return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

void netns_test::expect_signed() {
  for (const auto& name : names_) {
    int bad = 0;
    for (const auto& d : sub_->received(name))
      bad += verify_signature(d, secrets_.at(name)) ? 0 : 1;
    EXPECT_EQ(bad, 0) << "deliveries of " << name << " with a bad signature";
  }
}

} // namespace courier::test
