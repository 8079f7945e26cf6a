#pragma once
// deploy/grafana/courier.json as the tests read it: every panel's title, unit and
// queries, and the picture of those panels drawn by gnuplot from a Prometheus's series
// (the dashboard as Grafana would show it, without Grafana). Stateless functions.
#include "prometheus_server.hpp"
#include "tests/support/command.hpp"

#include <string>
#include <vector>

namespace courier::test {

struct panel_query {
  std::string expr;   // as Grafana holds it ($__rate_interval and all)
  std::string legend; // legendFormat, e.g. "{{instance}}"
};

struct dashboard_panel {
  std::string title;
  std::string unit;
  std::vector<panel_query> queries;
};

// Every panel with queries (rows skipped), in the dashboard's order.
std::vector<dashboard_panel> load_dashboard(const std::string& path);

// The expression Prometheus runs for a panel: Grafana's $__rate_interval becomes the
// given range (Grafana picks at least four scrape intervals).
std::string to_promql(const std::string& expr, const std::string& rate_interval);

// "{{instance}} x" with the series' labels filled in.
std::string legend_for(const std::string& format, const nlohmann::json& labels);

// A vertical line across every panel, `at` unix seconds, labelled in the picture's title.
struct plot_marker {
  double at = 0;
  std::string label;
};

// Draws every panel over [start, end] from range queries into `png` (gnuplot's pngcairo);
// data files and the script go to `work_dir`. Returns gnuplot's result.
command_result plot_dashboard(const std::string& gnuplot,
                              const std::vector<dashboard_panel>& panels,
                              prometheus_server& prometheus, const std::string& rate_interval,
                              double start, double end, const std::vector<plot_marker>& markers,
                              const std::string& work_dir, const std::string& png);

} // namespace courier::test
