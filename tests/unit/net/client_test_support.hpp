#pragma once
// Small helpers shared by the HTTP client tests.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "net/http_sender.hpp"

namespace courier::net::testing {

// Options for talking to the loopback test server.
inline http_client_options loopback_options() {
  http_client_options opts;
  opts.allow_private_targets = true;
  return opts;
}

inline http_request post_to(const std::string& url, std::string body = "{}") {
  http_request req;
  req.url = url;
  req.body = std::move(body);
  req.timeout = std::chrono::seconds(5);
  return req;
}

// A send() whose result the test thread awaits; owns the promise that `done` (on an
// I/O thread) fulfils and records which thread that was.
class pending_result {
public:
  pending_result() : state_(std::make_shared<state>()) {}

  std::function<void(http_result)> callback() {
    return [st = state_](http_result r) {
      st->calls++;
      st->thread = std::this_thread::get_id();
      st->promise.set_value(std::move(r));
    };
  }

  // The result, or a failed test (and a `shutdown` placeholder) after 10 s.
  http_result get() {
    if (future_.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
      ADD_FAILURE() << "done was not called within 10 s";
      http_result r;
      r.failure = http_failure::shutdown;
      return r;
    }
    return future_.get();
  }

  int calls() const { return state_->calls.load(); }
  std::thread::id thread() const { return state_->thread; }

private:
  struct state {
    std::promise<http_result> promise;
    std::atomic<int> calls{0};
    std::thread::id thread;
  };
  std::shared_ptr<state> state_;
  std::future<http_result> future_ = state_->promise.get_future();
};

inline http_result send_and_wait(http_sender& client, http_request req) {
  pending_result pending;
  client.send(std::move(req), pending.callback());
  return pending.get();
}

} // namespace courier::net::testing
