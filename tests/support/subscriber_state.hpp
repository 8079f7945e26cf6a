#pragma once
// Internal to subscriber: the behaviours, the request record and the per-path order
// checker, shared by the io threads (writers) and the test thread (readers) under one
// mutex; waiters are woken through a separate generation counter.
#include "tests/support/subscriber.hpp"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace courier::test::detail {

// What a session does with one request.
struct planned_answer {
  enum class kind { respond, hang, hang_then_close, reset };
  kind what = kind::respond;
  int status = 200;
  int delay_ms = 0;
  int hang_ms = 0;
  std::string retry_after; // empty: no Retry-After header
  std::string failure_body;
};

// "/x" stays as is; a bare name becomes "/h/<name>".
std::string normalize_path(const std::string& path_or_name);

// Per-path success bookkeeping.
struct path_progress {
  std::set<std::int64_t> succeeded;
  std::set<std::int64_t> skipped;
  std::int64_t next_expected = 1; // lowest seq neither succeeded nor skipped
  std::size_t duplicates = 0;

  bool done(std::int64_t seq) const { return succeeded.count(seq) + skipped.count(seq) > 0; }
  void advance() {
    while (done(next_expected)) {
      ++next_expected;
    }
  }
};

struct subscriber_state {
  subscriber_state(bool keep_bodies, unsigned seed);

  planned_answer plan(const std::string& path);
  std::size_t record(delivery d);                             // its index in records[d.path]
  void succeeded(const std::string& path, std::int64_t seq);  // just before a 2xx is written
  void peer_gone(const std::string& path, std::size_t index); // the 2xx was not sent
  void notify();

  const bool keep_bodies;

  mutable std::mutex mutex;
  behaviour default_behaviour;
  std::map<std::string, behaviour> behaviours;
  std::map<std::string, std::vector<delivery>> records;
  std::map<std::string, std::size_t> failures;
  std::map<std::string, path_progress> progress;
  std::vector<order_violation> violations;
  std::size_t total = 0;
  std::size_t total_failures = 0;
  std::mt19937 rng;

  std::mutex wait_mutex;
  std::condition_variable wait_cv;
  std::uint64_t generation = 0;

  std::atomic<std::size_t> open_connections{0};
  std::atomic<std::size_t> accepted_connections{0};
};

} // namespace courier::test::detail
