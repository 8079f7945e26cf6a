#include "runtime/admin/secret_retirer.hpp"

#include "net/log.hpp"

namespace courier::admin {

secret_retirer::secret_retirer(api_service& service, std::chrono::milliseconds period)
    : service_(service), period_(period), thread_([this] { loop(); }) {}

secret_retirer::~secret_retirer() {
  stop();
}

void secret_retirer::stop() {
  {
    std::lock_guard<std::mutex> guard{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable())
    thread_.join();
}

void secret_retirer::loop() {
  auto log = net::logger("admin");
  std::unique_lock<std::mutex> lock{mutex_};
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    // A pass still queued behind slow admin requests is enough; never pile them up.
    if (running_job_.exchange(true))
      continue;
    service_.background(
        [this, log](pqxx::work& tx) {
          running_job_ = false;
          auto changed = tx.exec("SELECT courier.retire_expired_secrets()")[0][0].as<int>();
          if (failing_.exchange(false))
            log->info("retiring expired secrets works again");
          if (changed > 0)
            log->info("retired the rotated-out secrets of {} hook(s)", changed);
        },
        [this, log](const std::string& error) {
          running_job_ = false;
          // Warn once per outage: until it succeeds, secrets past their overlap keep signing.
          if (!failing_.exchange(true))
            log->warn("retiring expired secrets failed: {}; retrying every second", error);
        });
  }
}

} // namespace courier::admin
