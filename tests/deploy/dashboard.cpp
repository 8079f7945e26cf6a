#include "dashboard.hpp"

#include "deploy_support.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

namespace courier::test {

using json = nlohmann::json;

std::vector<dashboard_panel> load_dashboard(const std::string& path) {
  const json dashboard = json::parse(read_text(path));
  std::vector<dashboard_panel> panels;
  for (const auto& p : dashboard.at("panels")) {
    if (!p.contains("targets"))
      continue;
    dashboard_panel panel{p.at("title"), p["fieldConfig"]["defaults"].value("unit", ""), {}};
    for (const auto& t : p.at("targets"))
      panel.queries.push_back({t.at("expr"), t.value("legendFormat", "")});
    panels.push_back(std::move(panel));
  }
  return panels;
}

std::string to_promql(const std::string& expr, const std::string& rate_interval) {
  std::string out = expr;
  replace_all(out, "$__rate_interval", rate_interval);
  return out;
}

std::string legend_for(const std::string& format, const json& labels) {
  std::string out = format;
  for (const auto& [name, value] : labels.items())
    replace_all(out, "{{" + name + "}}", value.get<std::string>());
  return out;
}

namespace {

// gnuplot string literal: double quotes, with its own escapes.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text)
    out += (c == '"' || c == '\\') ? std::string{'\\', c} : std::string{c};
  return out + "\"";
}

std::string axis_format(const std::string& unit) {
  if (unit == "s")
    return "set format y '%.1s%cs'";
  if (unit == "reqps" || unit == "ops")
    return "set format y '%g/s'";
  return "set format y '%g'";
}

} // namespace

command_result plot_dashboard(const std::string& gnuplot,
                              const std::vector<dashboard_panel>& panels,
                              prometheus_server& prometheus, const std::string& rate_interval,
                              double start, double end, const std::vector<plot_marker>& markers,
                              const std::string& work_dir, const std::string& png) {
  const int columns = 3;
  const int rows = static_cast<int>((panels.size() + columns - 1) / columns);
  std::string title = "Courier dashboard: 2 nodes, one Prometheus, live load (x: seconds)";
  for (const auto& m : markers)
    title +=
        "  |  " + std::to_string(static_cast<int>(std::lround(m.at - start))) + " s: " + m.label;
  std::ostringstream script;
  script << "set terminal pngcairo size 1500," << rows * 300 + 60
         << " font 'DejaVu Sans,9' noenhanced\n"
         << "set output " << quoted(png) << "\n"
         << "set multiplot layout " << rows << "," << columns << " title " << quoted(title)
         << " font ',12'\n"
         << "set key top left horizontal font ',8' samplen 2\n"
         << "set grid ytics lc rgb '#dddddd'\n"
         << "set xrange [0:" << end - start << "]\nset yrange [0:*]\n"
         << "set xtics font ',8'\nset ytics font ',8'\nset border 3\nset tics nomirror\n"
         << "set style data lines\n";
  for (const auto& m : markers)
    script << "set arrow from " << m.at - start << ", graph 0 to " << m.at - start
           << ", graph 1 nohead dt 2 lc rgb '#888888'\n";
  for (std::size_t p = 0; p < panels.size(); ++p) {
    const auto& panel = panels[p];
    const std::string data = work_dir + "/panel-" + std::to_string(p) + ".dat";
    std::ofstream out{data};
    std::vector<std::string> series_titles;
    for (const auto& q : panel.queries) {
      const json result = prometheus.query_range(to_promql(q.expr, rate_interval), start, end, 1);
      for (const auto& series : result) {
        // NaN (a quantile of no observations) breaks the line; a series with no number
        // at all is left out, as Grafana leaves it out of the legend.
        std::ostringstream points;
        int valid = 0;
        for (const auto& point : series["values"]) {
          const double value = std::stod(point[1].get<std::string>());
          if (std::isfinite(value)) {
            points << point[0].get<double>() - start << " " << value << "\n";
            ++valid;
          } else {
            points << "\n";
          }
        }
        if (valid == 0)
          continue;
        out << points.str() << "\n\n"; // one gnuplot data set per series
        series_titles.push_back(legend_for(q.legend, series["metric"]));
      }
    }
    script << "set title " << quoted(panel.title) << " font ',10'\n"
           << axis_format(panel.unit) << "\n";
    if (series_titles.empty()) {
      script << "set label 1 'no data' at graph 0.5, graph 0.5 center\nset yrange [0:1]\n"
             << "plot 1/0 notitle\nunset label 1\nset yrange [0:*]\n";
      continue;
    }
    script << "plot ";
    for (std::size_t s = 0; s < series_titles.size(); ++s)
      script << (s > 0 ? ", " : "") << quoted(data) << " index " << s << " using 1:2 lw 1.5 title "
             << quoted(series_titles[s]);
    script << "\n";
  }
  script << "unset multiplot\n";
  const std::string script_path = work_dir + "/dashboard.gp";
  write_text(script_path, script.str());
  return run_command({gnuplot, script_path});
}

} // namespace courier::test
