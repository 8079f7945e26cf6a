#pragma once
// Everything a node's actors share: configuration, the store, the HTTP client, the
// self-expiry fence, metrics and the byte budget. Built once by the node bootstrap,
// read-only after (the budget and metrics are thread-safe objects of their own).
#include "actors/policy/backoff.hpp"
#include "actors/policy/byte_budget.hpp"
#include "actors/policy/lease_clock.hpp"
#include "actors/policy/retry_policy.hpp"
#include "actors/ports/store.hpp"
#include "actors/telemetry.hpp"
#include "config/node_config.hpp"
#include "net/http_sender.hpp"

#include <caf/actor.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

namespace courier {

struct node_context {
  config::node_config cfg;
  std::shared_ptr<store> db;
  std::shared_ptr<net::http_sender> http;
  std::shared_ptr<lease_clock> clock;
  std::shared_ptr<telemetry> metrics;
  retry_policy retry;
  std::string user_agent;
  int fetch_batch = 256;
  // Payload bytes the node's delivery actors hold, sized by cfg (max_buffered_bytes).
  std::shared_ptr<byte_budget> budget = std::make_shared<byte_budget>(cfg.max_buffered_bytes);

  // How supervisors restart a failed child: 100 ms doubling to 10 s, spread ±20 % so
  // children that failed together (a lost store connection fails them all) restart
  // apart; the budget is the restart_max, restart_window_ms and quarantine_ms keys.
  restart_policy restarts() const {
    using namespace std::chrono_literals;
    return {{100ms, 2.0, 10s, 0.2}, {cfg.restart_max, cfg.restart_window, cfg.quarantine}};
  }
};

// Whether a partition's deliveries may still go out: the node-wide self-expiry fence
// and the partition's own revocation (set when the partition is being handed over).
// Shared by a partition actor, its delivery actors and their in-flight requests.
struct partition_fence {
  std::shared_ptr<lease_clock> clock;
  std::atomic<bool> revoked{false};
  bool open() const { return !revoked.load(std::memory_order_acquire) && clock->valid(); }
};

// For writes whose result nobody waits on (status and quarantine bookkeeping): a
// failure is logged with what was being written, never silently dropped. Nothing else
// depends on them, so whatever the class, logging is the whole reaction.
inline callback<void> log_if_failed(std::shared_ptr<spdlog::logger> log, std::string what) {
  return [log = std::move(log), what = std::move(what)](result<void> r) {
    if (!r.ok())
      log->warn("{} failed: {}", what, to_string(r.error()));
  };
}

} // namespace courier
