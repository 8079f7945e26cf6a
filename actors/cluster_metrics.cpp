#include "actors/cluster_metrics.hpp"

#include "net/log.hpp"

#include <caf/all.hpp>

#include <set>

namespace courier {

namespace {

using atoms::read_stats_atom;
using atoms::stats_read_atom;

prometheus::Gauge* gauge(const char* name, const char* help, prometheus::Registry& r) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(r).Add({});
}

prometheus::Family<prometheus::Gauge>* gauge_family(const char* name, const char* help,
                                                    prometheus::Registry& r) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(r);
}

struct cluster_metrics_state {
  static inline const char* name = "courier.cluster_metrics";

  std::shared_ptr<cluster_stats_source> source;
  cluster_metrics_options options;
  std::unique_ptr<cluster_gauges> gauges;
  std::shared_ptr<spdlog::logger> log;
  bool failing = false;
};

using cluster_metrics_impl = cluster_metrics_actor::stateful_base<cluster_metrics_state>;

void on_stats(cluster_metrics_impl* self, result<cluster_stats>& r) {
  auto& st = self->state;
  if (r.ok()) {
    st.gauges->publish(r.value());
    if (st.failing)
      st.log->info("cluster metrics readable again");
    st.failing = false;
  } else {
    st.gauges->count_failure();
    // Warned once per outage; the gauges keep their last values meanwhile and
    // courier_cluster_stats_failures_total shows that they are stale.
    if (!st.failing)
      st.log->warn("reading cluster metrics failed ({}); keeping the last values, retrying every "
                   "{} ms",
                   to_string(r.error()), st.options.interval.count());
    st.failing = true;
  }
  self->delayed_send(self, st.options.interval, read_stats_atom::value);
}

} // namespace

cluster_gauges::cluster_gauges(prometheus::Registry& r)
    : hook_oldest_(gauge_family("courier_cluster_hook_oldest_undelivered_seconds",
                                "Age of the oldest undelivered event of the most lagging hooks "
                                "(metrics_top_hooks of them)",
                                r)),
      hook_backlog_(gauge_family("courier_cluster_hook_backlog_events",
                                 "Undelivered events of the most lagging hooks", r)),
      hook_head_attempts_(gauge_family("courier_cluster_hook_head_attempts",
                                       "Failed attempts of the event each of the most lagging "
                                       "hooks waits on (0: not failing)",
                                       r)),
      hooks_(gauge_family("courier_cluster_hooks",
                          "Hooks by state: active, blocked (head event failing), quarantined, "
                          "paused, disabled",
                          r)),
      partitions_(gauge_family("courier_cluster_partitions",
                               "Partitions by lease state: owned or unowned", r)),
      oldest_(gauge("courier_cluster_oldest_undelivered_seconds",
                    "Age of the oldest undelivered event over every active hook (0: none)", r)),
      backlog_(gauge("courier_cluster_backlog_events",
                     "Committed, undelivered events of active hooks", r)),
      dead_letters_(gauge("courier_cluster_dead_letters", "Dead letters not replayed", r)),
      nodes_(gauge("courier_cluster_nodes", "Live nodes (heartbeating, not stopping)", r)),
      failures_(&prometheus::BuildCounter()
                     .Name("courier_cluster_stats_failures_total")
                     .Help("Failed reads of the cluster metrics (their gauges are stale)")
                     .Register(r)
                     .Add({})) {}

void cluster_gauges::publish(const cluster_stats& s) {
  oldest_->Set(s.oldest_undelivered_seconds);
  backlog_->Set(static_cast<double>(s.backlog_events));
  dead_letters_->Set(static_cast<double>(s.dead_letters));
  nodes_->Set(s.live_nodes);
  const std::pair<const char*, std::int64_t> states[] = {{"active", s.hooks.active},
                                                         {"blocked", s.hooks.blocked},
                                                         {"quarantined", s.hooks.quarantined},
                                                         {"paused", s.hooks.paused},
                                                         {"disabled", s.hooks.disabled}};
  for (const auto& [state, count] : states)
    hooks_->Add({{"state", state}}).Set(static_cast<double>(count));
  partitions_->Add({{"state", "owned"}}).Set(s.partitions_owned);
  partitions_->Add({{"state", "unowned"}}).Set(s.partitions - s.partitions_owned);

  std::set<hook_id> current;
  for (const auto& lag : s.most_lagging) {
    current.insert(lag.hook);
    auto& series = published_hooks_[lag.hook];
    if (series.oldest == nullptr) {
      const std::map<std::string, std::string> labels{{"hook", std::to_string(raw(lag.hook))}};
      series = {&hook_oldest_->Add(labels), &hook_backlog_->Add(labels),
                &hook_head_attempts_->Add(labels)};
    }
    series.oldest->Set(lag.oldest_undelivered_seconds);
    series.backlog->Set(static_cast<double>(lag.backlog));
    series.head_attempts->Set(lag.head_attempts);
  }
  for (auto it = published_hooks_.begin(); it != published_hooks_.end();) {
    if (current.count(it->first) > 0) {
      ++it;
      continue;
    }
    hook_oldest_->Remove(it->second.oldest);
    hook_backlog_->Remove(it->second.backlog);
    hook_head_attempts_->Remove(it->second.head_attempts);
    it = published_hooks_.erase(it);
  }
}

cluster_metrics_actor spawn_cluster_metrics(caf::actor_system& sys,
                                            std::shared_ptr<cluster_stats_source> source,
                                            cluster_metrics_options options,
                                            caf::strong_actor_ptr watched) {
  return sys.spawn(
      [](cluster_metrics_impl* self, std::shared_ptr<cluster_stats_source> source,
         cluster_metrics_options options,
         caf::strong_actor_ptr watched) -> cluster_metrics_actor::behavior_type {
        auto& st = self->state;
        st.source = std::move(source);
        st.gauges = std::make_unique<cluster_gauges>(*options.registry);
        st.options = std::move(options);
        st.log = net::logger("metrics");
        self->monitor(watched);
        self->set_down_handler([self](caf::down_msg&) { self->quit(); });
        self->delayed_send(self, st.options.interval, read_stats_atom::value);
        return {
            [self](read_stats_atom) {
              auto& st = self->state;
              auto me = caf::actor_cast<cluster_metrics_actor>(self);
              st.source->read(st.options.top_hooks, [me](result<cluster_stats> r) {
                caf::anon_send(me, stats_read_atom::value, std::move(r));
              });
            },
            [self](stats_read_atom, result<cluster_stats>& r) { on_stats(self, r); },
        };
      },
      std::move(source), std::move(options), watched);
}

} // namespace courier
