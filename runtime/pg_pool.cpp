#include "runtime/pg_pool.hpp"

#include "config/text.hpp"
#include "net/log.hpp"

#include <pqxx/pqxx>

#include <memory>

namespace courier {

namespace {

// A pool transaction is a few statements sent back to back, so a session idle inside
// one for this long has lost its client (cut off by the network, or frozen). The
// server then ends it and its locks go: a just-created outbox partition holds ACCESS
// EXCLUSIVE on the outbox tables, which would stop every emit and fetch in the cluster
// until the server's TCP gave up on the silent peer (about 15 minutes).
constexpr const char* idle_in_transaction_timeout = "5s";

// Every query of a pool is a short keyed read or write, or a scan of tens of
// milliseconds. At 100,000 hooks the planner's estimates for the scans and for loading a
// batch of partitions pass jit_above_cost, and compiling took 10-30 ms each time, more
// than it saved: the backlog scan went from 47 to 29 ms without it, a 16-partition load
// from 54 to 29 ms.
constexpr const char* disable_jit = "SET jit = off";

std::unique_ptr<pqxx::connection> open_connection(const std::string& options) {
  auto conn = std::make_unique<pqxx::connection>(options);
  pqxx::nontransaction tx{*conn};
  tx.exec(std::string{"SET idle_in_transaction_session_timeout = '"} + idle_in_transaction_timeout +
          "'");
  tx.exec(disable_jit);
  return conn;
}

} // namespace

pg_pool::pg_pool(std::string conninfo, int size, std::string application_name)
    : conninfo_(std::move(conninfo)), application_name_(std::move(application_name)) {
  for (int i = 0; i < size; ++i)
    threads_.emplace_back([this, i] { worker_loop(i); });
}

pg_pool::~pg_pool() {
  stop();
}

void pg_pool::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (stopping_ && threads_.empty())
      return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

void pg_pool::submit(job j) {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    if (!stopping_) {
      queue_.push_back(std::move(j));
      cv_.notify_one();
      return;
    }
  }
  error err{errc::retryable, "store is shutting down"};
  j(nullptr, &err);
}

void pg_pool::worker_loop(int index) {
  auto log = net::logger("store");
  std::unique_ptr<pqxx::connection> conn;
  auto session = dead_peer_detection();
  session.emplace_back("application_name", application_name_ + "/pool" + std::to_string(index));
  auto options = with_conn_options(conninfo_, session);
  for (;;) {
    job next;
    {
      std::unique_lock<std::mutex> lock{mutex_};
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty())
        return; // stopping and drained
      next = std::move(queue_.front());
      queue_.pop_front();
    }
    if (!conn || !conn->is_open()) {
      auto opened = guarded([&] { return open_connection(options); });
      if (!opened.ok()) {
        log->warn("pool connection {} cannot connect: {}", index, to_string(opened.error()));
        next(nullptr, &opened.error());
        continue;
      }
      conn = std::move(opened.value());
    }
    next(conn.get(), nullptr);
    // A job that hit a broken connection leaves it closed; reopen on the next job.
    if (conn && !conn->is_open())
      conn.reset();
  }
}

conn_options dead_peer_detection() {
  return {{"connect_timeout", "5"},     {"keepalives", "1"},       {"keepalives_idle", "5"},
          {"keepalives_interval", "2"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "15000"}};
}

std::string with_conn_options(const std::string& conninfo, const conn_options& options) {
  const bool is_url = config::is_postgres_url(conninfo);
  std::string out = conninfo;
  for (const auto& [key, value] : options) {
    if (is_url) {
      out += (out.find('?') == std::string::npos ? '?' : '&');
      out += key + "=" + value;
    } else {
      out += " " + key + "='" + value + "'";
    }
  }
  return out;
}

} // namespace courier
