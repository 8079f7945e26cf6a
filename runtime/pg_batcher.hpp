#pragma once
// Reads that wait together go to Postgres together. Every request queues itself and one
// pool job; whichever job runs first takes all the requests then waiting (up to
// max_batch) and answers them in one round trip, and a job that finds its request
// already taken returns at once. Requests that arrive in a burst (a NOTIFY waking
// hundreds of hooks, a node taking all its partitions at start) then cost a few queries
// instead of one each, and no request waits behind hundreds of others in the pool's
// queue. A lone request is read alone, with no delay.
#include "runtime/pg_pool.hpp"

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace courier {

template <class Request, class Answer> class pg_batcher {
public:
  // Answers a batch in one round trip: answers[i] is requests[i]'s. Runs on a pool
  // thread; what it throws fails the whole batch.
  using reader = std::function<std::vector<Answer>(pqxx::connection&, const std::vector<Request>&)>;

  pg_batcher(std::shared_ptr<pg_pool> pool, std::size_t max_batch, reader read)
      : pool_(std::move(pool)), shared_(std::make_shared<shared>()) {
    shared_->max_batch = max_batch;
    shared_->read = std::move(read);
  }

  // `done` is called exactly once, on a pool thread, with the answer or the error that
  // failed its batch.
  void submit(Request request, callback<Answer> done) {
    {
      std::lock_guard<std::mutex> guard{shared_->mutex};
      shared_->waiting.push_back({std::move(request), std::move(done)});
    }
    // One job per request, so some job takes every request: a job that gets no
    // connection fails the requests it takes instead of reading them.
    pool_->run<void>(
        [s = shared_](pqxx::connection& conn) -> result<void> {
          s->serve(conn);
          return {};
        },
        [s = shared_](result<void> outcome) {
          if (!outcome.ok())
            s->fail(s->take(), outcome.error());
        });
  }

private:
  struct entry {
    Request request;
    callback<Answer> done;
  };

  // Shared with the queued jobs, which may run after the batcher is gone.
  struct shared {
    std::size_t max_batch = 1;
    reader read;
    std::mutex mutex;
    std::deque<entry> waiting;

    std::vector<entry> take() {
      std::lock_guard<std::mutex> guard{mutex};
      std::vector<entry> batch;
      while (!waiting.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(waiting.front()));
        waiting.pop_front();
      }
      return batch;
    }

    void serve(pqxx::connection& conn) {
      auto batch = take();
      if (batch.empty())
        return;
      std::vector<Request> requests;
      requests.reserve(batch.size());
      for (const auto& e : batch)
        requests.push_back(e.request);
      auto answers = guarded([&] { return read(conn, requests); });
      if (!answers.ok()) {
        fail(std::move(batch), answers.error());
        return;
      }
      for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].done(std::move(answers.value().at(i)));
    }

    static void fail(std::vector<entry> batch, const error& err) {
      for (auto& e : batch)
        e.done(err);
    }
  };

  std::shared_ptr<pg_pool> pool_;
  std::shared_ptr<shared> shared_;
};

} // namespace courier
