#pragma once
// Retires signing secrets whose rotation overlap has ended: about once a second it asks
// Postgres (courier.retire_expired_secrets) to drop them, and the hooks trigger then
// NOTIFYs each owning node, which reloads the hook and signs with the rest. Every node
// runs one; the SQL takes each hook's row lock, so they never retire a secret twice.
// Owns one thread that only schedules; the work runs on the admin pool.
#include "runtime/admin/service.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace courier::admin {

class secret_retirer {
public:
  secret_retirer(api_service& service, std::chrono::milliseconds period);
  ~secret_retirer();
  void stop(); // idempotent; call before the service's pool stops

private:
  void loop();

  api_service& service_;
  std::chrono::milliseconds period_;
  std::atomic<bool> running_job_{false}; // at most one pass queued or running
  std::atomic<bool> failing_{false};     // the last pass failed (warned once)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace courier::admin
