#include "runtime/node/node.hpp"

#include "actors/cluster_metrics.hpp"
#include "actors/messages.hpp"
#include "actors/node_supervisor.hpp"
#include "net/log.hpp"
#include "runtime/node/admin_endpoint.hpp"
#include "runtime/node/cluster_settings.hpp"
#include "runtime/pg_cluster_stats.hpp"
#include "runtime/pg_lease_store.hpp"
#include "runtime/pg_notification_source.hpp"
#include "runtime/pg_store.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <csignal>
#include <sys/resource.h>
#include <thread>

namespace courier {

namespace {

std::shared_ptr<node_context> make_context(const config::node_config& cfg,
                                           std::shared_ptr<pg_pool> pool,
                                           std::shared_ptr<pg_pool> background_pool) {
  net::http_client_options http;
  http.max_in_flight = static_cast<std::size_t>(cfg.max_in_flight);
  http.max_in_flight_per_origin = static_cast<std::size_t>(cfg.origin_slots());
  http.allow_private_targets = cfg.allow_private_targets;
  http.ca_file = cfg.ca_file;
  http.max_response_body = static_cast<std::size_t>(cfg.max_response_body);
  // Every request may come back to the same origin (one big subscriber): keep as many
  // idle connections as can be in flight to it, or the surplus reconnects on every event.
  http.max_idle_per_origin = http.max_in_flight_per_origin;
  http.user_agent = std::string{"courier/"} + COURIER_VERSION;
  // More than one I/O thread even on two cores: on a machine shared with Postgres, a
  // lone I/O thread is preempted often and every request stalls with it (the drain
  // bench: 20-29k events/s with one, 24-36k with two, same runs interleaved).
  http.io_threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 2u, 8u));
  auto ctx = std::make_shared<node_context>(
      node_context{cfg,
                   std::make_shared<pg_store>(std::move(pool), cfg.node_id, cfg.attempt_retention,
                                              std::move(background_pool)),
                   std::shared_ptr<net::http_sender>{net::make_http_client(http)},
                   std::make_shared<lease_clock>(), std::make_shared<telemetry>(),
                   retry_policy{cfg.retry_schedule}, http.user_agent});
  return ctx;
}

// Thousands of concurrent deliveries need more descriptors than the usual soft limit.
void raise_file_limit(const std::shared_ptr<spdlog::logger>& log) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0)
      log->warn("could not raise the open-file limit: max_in_flight may be capped by it");
  }
}

} // namespace

int run_node(const config::node_config& cfg, termination& signals) {
  auto log = net::logger("node");
  raise_file_limit(log);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    check_cluster_settings(cfg.db, cfg.partitions, 30);
  } catch (const startup_error& e) {
    log->critical("{}", e.what());
    return e.exit_code;
  }
  auto pool = std::make_shared<pg_pool>(cfg.db, cfg.db_pool_size, "courier/" + cfg.node_id);
  // The attempt log's writes and the backlog scan run on a connection of their own:
  // never one a delivery waits for.
  auto background_pool =
      std::make_shared<pg_pool>(cfg.db, 1, "courier/" + cfg.node_id + "/background");
  std::shared_ptr<node_context> ctx;
  try {
    ctx = make_context(cfg, pool, background_pool);
  } catch (const std::exception& e) {
    log->critical("starting the node: {}", e.what());
    return 1;
  }
  caf::actor_system_config caf_cfg;
  caf_cfg.set("scheduler.max-threads", std::max(2u, std::thread::hardware_concurrency()));
  // Work sharing parks idle workers on a condition variable; work stealing's polling
  // sleeps burn the cores that Postgres and the HTTP threads need.
  caf_cfg.set("scheduler.policy", caf::atom("sharing"));
  caf::actor_system system{caf_cfg};

  node_parts parts;
  parts.leases = std::make_unique<pg_lease_store>(lease_store_options{
      cfg.db, cfg.node_id, COURIER_VERSION, cfg.partitions, cfg.lease_self_expiry});
  parts.notifications = std::make_unique<pg_notification_source>(cfg.db, cfg.node_id);
  auto supervisor = spawn_node_supervisor(system, ctx, std::move(parts));
  // Before the first confirmed lease the node holds nothing: a signal then simply exits.
  // Afterwards it drains, which finishes within the grace period plus a flush.
  signals.on_signal(
      [supervisor, clock = ctx->clock, log](const char* name) {
        if (!clock->ever_confirmed())
          return false;
        log->info("received {}: draining", name);
        caf::anon_send(supervisor, atoms::shutdown_atom::value);
        return true;
      },
      cfg.shutdown_grace + std::chrono::seconds{5});
  // Reading every hook, the cluster stats run where no fetch waits behind them.
  spawn_cluster_metrics(system,
                        std::make_shared<pg_cluster_stats>(background_pool, cfg.lease_self_expiry),
                        {ctx->metrics->registry(), cfg.metrics_top_hooks},
                        caf::actor_cast<caf::strong_actor_ptr>(supervisor));

  admin_endpoint admin{cfg, ctx->metrics->registry(), ctx->clock, ctx->http, ctx->user_agent};
  try {
    admin.start();
  } catch (const std::exception& e) {
    log->critical("config key 'admin_listen': cannot listen on {}: {}", cfg.admin_listen, e.what());
    std::_Exit(2);
  }
  log->info("node {} started: {}", cfg.node_id, config::describe(cfg));
  log->info("admin endpoint on port {} (/healthz, /readyz, /metrics, /v1/)", admin.port());

  {
    caf::scoped_actor self{system};
    self->monitor(supervisor);
    caf::error reason;
    self->receive([&](caf::down_msg& dm) { reason = dm.reason; });
    if (reason && reason != caf::exit_reason::user_shutdown) {
      log->critical("node supervisor failed: {}", caf::to_string(reason));
      spdlog::shutdown();
      std::_Exit(1);
    }
  }
  admin.stop();
  ctx->http->stop();
  pool->stop();
  background_pool->stop();
  log->info("node {} stopped cleanly", cfg.node_id);
  spdlog::shutdown();
  // Everything durable is written; skip tearing down the actor system's threads.
  std::_Exit(0);
}

} // namespace courier
