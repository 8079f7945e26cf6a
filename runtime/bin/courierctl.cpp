// courierctl: operator CLI. The verbs table below is what it does and what --help lists.
// (The admin-API verbs of CONTRACT.md arrive with the admin API.)
#include "runtime/cluster_status.hpp"
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
  auto status = courier::read_cluster_status(tx);
  auto& nodes = status["nodes"];
  int partitions = status["partitions"];
  if (args.json) {
    std::cout << status << "\n";
    return 0;
  }
  std::printf("partitions: %d (%d leased)   hooks: %d (%d active without an owner)\n\n", partitions,
              status["partitions_leased"].get<int>(), status["hooks"].get<int>(),
              status["active_hooks_unowned"].get<int>());
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
