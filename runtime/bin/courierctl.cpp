// courierctl: operator CLI. The verbs table below is what it does and what --help lists.
// (The admin-API verbs of CONTRACT.md arrive with the admin API.)
#include "runtime/migrator.hpp"

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace {

struct cli_args {
  std::vector<std::string> words;
  std::map<std::string, std::string> options;
  bool json = false;
  bool help = false;
  bool version = false;
};

struct verb {
  const char* words;     // as typed: "cluster status"
  const char* arguments; // what follows the words
  const char* summary;
  int (*run)(const cli_args& args);
};

const std::vector<verb>& verbs();

std::string usage() {
  std::string out = "usage: courierctl VERB [--json] [--db URL]\n"
                    "       courierctl --help | -h | --version\n"
                    "\n"
                    "verbs:\n";
  for (const auto& v : verbs()) {
    std::string line = std::string("  ") + v.words + " " + v.arguments;
    line.resize(std::max<std::size_t>(line.size() + 2, 38), ' ');
    out += line + v.summary + "\n";
  }
  return out + "\n"
               "--db defaults to COURIER_DB. --json prints one JSON document for scripts.\n"
               "Exit codes: 0 done, 1 the operation failed, 2 usage error.\n";
}

[[noreturn]] void usage_error(const std::string& message) {
  std::fprintf(stderr, "courierctl: %s\n%s", message.c_str(), usage().c_str());
  std::exit(2);
}

cli_args parse(int argc, char** argv) {
  cli_args out;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--json") {
      out.json = true;
    } else if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else if (arg == "--version") {
      out.version = true;
    } else if (arg.rfind("--", 0) == 0) {
      auto eq = arg.find('=');
      if (eq != std::string::npos) {
        out.options[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
      } else {
        if (i + 1 >= argc)
          usage_error("option " + arg + " needs a value");
        out.options[arg.substr(2)] = argv[++i];
      }
    } else {
      out.words.push_back(arg);
    }
  }
  return out;
}

std::string require_db(const cli_args& args) {
  auto it = args.options.find("db");
  if (it != args.options.end())
    return it->second;
  if (const char* env = std::getenv("COURIER_DB"))
    return env;
  usage_error("--db URL is required (or COURIER_DB)");
}

int migrate(const cli_args& args) {
  auto report = courier::migrate(require_db(args));
  if (args.json) {
    std::cout << nlohmann::json{{"from_version", report.from_version},
                                {"to_version", report.to_version}}
              << "\n";
  } else if (report.from_version == report.to_version) {
    std::cout << "schema is up to date (version " << report.to_version << ")\n";
  } else {
    std::cout << "migrated schema from version " << report.from_version << " to "
              << report.to_version << "\n";
  }
  return 0;
}

int cluster_status(const cli_args& args) {
  pqxx::connection conn{require_db(args)};
  pqxx::read_transaction tx{conn};
  auto rows = tx.exec(R"(
    SELECT n.node_id, n.partitions_held,
           to_char(n.last_heartbeat AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           round(extract(epoch FROM now() - n.last_heartbeat)::numeric, 1)::float8,
           CASE WHEN NOT n.connected THEN 'dead'
                WHEN n.stopping THEN 'stopping'
                WHEN n.last_heartbeat < now() - interval '10 seconds' THEN 'stale'
                ELSE 'live' END,
           (SELECT count(*) FROM courier.hook_status h WHERE h.owner_node = n.node_id)::int,
           (SELECT coalesce(sum(h.backlog), 0) FROM courier.hook_status h
             WHERE h.owner_node = n.node_id)::bigint,
           (SELECT coalesce(extract(epoch FROM max(h.oldest_undelivered_age)), 0)
              FROM courier.hook_status h WHERE h.owner_node = n.node_id)::float8
      FROM courier.cluster_nodes n ORDER BY n.node_id)");
  auto totals = tx.exec(R"(
    SELECT (SELECT partitions FROM courier.settings),
           (SELECT count(DISTINCT partition) FROM courier.lease_locks)::int,
           (SELECT count(*) FROM courier.hooks)::int,
           (SELECT count(*) FROM courier.hook_status WHERE owner_node IS NULL
                                                     AND state = 'active')::int)")[0];
  nlohmann::json nodes = nlohmann::json::array();
  for (const auto& r : rows)
    nodes.push_back({{"node_id", r[0].as<std::string>()},
                     {"partitions_held", r[1].as<int>()},
                     {"last_heartbeat", r[2].as<std::string>()},
                     {"heartbeat_age_s", r[3].as<double>()},
                     {"state", r[4].as<std::string>()},
                     {"hooks_owned", r[5].as<int>()},
                     {"backlog", r[6].as<long long>()},
                     {"oldest_undelivered_s", r[7].as<double>()}});
  int partitions = totals[0].is_null() ? 0 : totals[0].as<int>();
  if (args.json) {
    std::cout << nlohmann::json{{"partitions", partitions},
                                {"partitions_leased", totals[1].as<int>()},
                                {"hooks", totals[2].as<int>()},
                                {"active_hooks_unowned", totals[3].as<int>()},
                                {"nodes", nodes}}
              << "\n";
    return 0;
  }
  std::printf("partitions: %d (%d leased)   hooks: %d (%d active without an owner)\n\n", partitions,
              totals[1].as<int>(), totals[2].as<int>(), totals[3].as<int>());
  std::printf("%-28s %10s %7s %9s %14s %10s %s\n", "NODE", "PARTITIONS", "HOOKS", "BACKLOG",
              "OLDEST_UNDELIV", "HEARTBEAT", "STATE");
  for (const auto& n : nodes)
    std::printf("%-28s %10d %7d %9lld %13.1fs %9.1fs %s\n", n["node_id"].get<std::string>().c_str(),
                n["partitions_held"].get<int>(), n["hooks_owned"].get<int>(),
                n["backlog"].get<long long>(), n["oldest_undelivered_s"].get<double>(),
                n["heartbeat_age_s"].get<double>(), n["state"].get<std::string>().c_str());
  return 0;
}

const std::vector<verb>& verbs() {
  static const std::vector<verb> all{
      {"migrate", "--db URL", "create or upgrade the courier schema (idempotent)", migrate},
      {"cluster status", "--db URL [--json]", "nodes, partitions, hooks and backlog",
       cluster_status},
  };
  return all;
}

} // namespace

int main(int argc, char** argv) {
  auto args = parse(argc, argv);
  if (args.help) {
    std::fputs(usage().c_str(), stdout);
    return 0;
  }
  if (args.version) {
    std::printf("courierctl %s\n", COURIER_VERSION);
    return 0;
  }
  std::string typed;
  for (const auto& w : args.words)
    typed += (typed.empty() ? "" : " ") + w;
  for (const auto& v : verbs()) {
    if (typed != v.words)
      continue;
    try {
      return v.run(args);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "courierctl: %s\n", e.what());
      return 1;
    }
  }
  usage_error(args.words.empty() ? "no command given" : "unknown command '" + typed + "'");
}
