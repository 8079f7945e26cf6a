#pragma once
// A small fixed pool of Postgres connections, each owned by its own thread, that runs
// queued jobs. This is where blocking libpq calls live, off CAF's scheduler threads.
// A job that throws gets its exception classified (runtime/pg_errors.hpp); a broken
// connection is dropped and reopened lazily by the next job on that thread.
#include "runtime/pg_errors.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <pqxx/connection>

namespace courier {

class pg_pool {
public:
  pg_pool(std::string conninfo, int size, std::string application_name);
  ~pg_pool();
  pg_pool(const pg_pool&) = delete;
  pg_pool& operator=(const pg_pool&) = delete;

  // Runs `work` on a pool thread; `done` receives its result or the classified error.
  template <class T> void run(std::function<result<T>(pqxx::connection&)> work, callback<T> done) {
    submit(
        [work = std::move(work), done = std::move(done)](pqxx::connection* conn, const error* err) {
          if (err != nullptr) {
            done(*err);
            return;
          }
          done(guarded([&] { return work(*conn); }));
        });
  }

  // Stops the threads after the queued jobs ran; later jobs fail as retryable.
  void stop();

private:
  // A job sees either a live connection or the error that prevented opening one.
  using job = std::function<void(pqxx::connection*, const error*)>;
  void submit(job j);
  void worker_loop(int index);

  std::string conninfo_;
  std::string application_name_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

using conn_options = std::vector<std::pair<std::string, std::string>>;

// Appends libpq options to a URL or keyword/value conninfo string.
std::string with_conn_options(const std::string& conninfo, const conn_options& options);

// For every session but the lease session (which has its own, tighter ones): the client
// notices a dead server or a partition within ~15 s instead of the kernel's ~15 min, so a
// thread blocked on a lost connection comes back and reconnects.
conn_options dead_peer_detection();

} // namespace courier
