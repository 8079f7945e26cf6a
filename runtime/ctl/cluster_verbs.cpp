// cluster status (over the admin API, or --db straight from Postgres as before),
// test --hook ID, and migrate --db.
#include "runtime/cluster_status.hpp"
#include "runtime/ctl/table.hpp"
#include "runtime/ctl/verbs.hpp"
#include "runtime/migrator.hpp"

#include <pqxx/pqxx>

#include <cstdio>
#include <iostream>

namespace courier::ctl {

namespace {

std::optional<std::string> db_option(const invocation& call) {
  return call.line.option("db", "COURIER_DB");
}

int cluster_status(const invocation& call) {
  json status;
  // --db reads Postgres itself, as courierctl did before the admin API existed.
  if (auto db = db_option(call)) {
    pqxx::connection conn{*db};
    pqxx::read_transaction tx{conn};
    status = json::parse(read_cluster_status(tx).dump());
  } else {
    status = call.client().get("/v1/cluster");
  }
  if (call.line.json) {
    print_json(status);
    return 0;
  }
  std::cout << "partitions: " << cell(member(status, "partitions")) << " ("
            << cell(member(status, "partitions_leased"))
            << " leased)   hooks: " << cell(member(status, "hooks")) << " ("
            << cell(member(status, "active_hooks_unowned")) << " active without an owner)\n\n";
  table out{{"NODE", "PARTITIONS", "HOOKS", "BACKLOG", "OLDEST_UNDELIV", "HEARTBEAT", "STATE"}};
  for (const auto& n : member(status, "nodes")) {
    auto seconds = [&](const char* key) {
      const auto& v = member(n, key);
      char text[32];
      std::snprintf(text, sizeof text, "%.1fs", v.is_number() ? v.get<double>() : 0.0);
      return std::string{text};
    };
    out.add_row({cell(member(n, "node_id")), cell(member(n, "partitions_held")),
                 cell(member(n, "hooks_owned")), cell(member(n, "backlog")),
                 seconds("oldest_undelivered_s"), seconds("heartbeat_age_s"),
                 cell(member(n, "state"))});
  }
  std::cout << out.render();
  return 0;
}

int test_ping(const invocation& call) {
  auto hook = call.number_option("hook");
  if (!hook)
    throw usage_error("--hook ID is required");
  json result = call.client().post("/v1/hooks/" + std::to_string(*hook) + "/test");
  const bool ok = member(result, "ok") == true;
  if (call.line.json) {
    print_json(result);
  } else {
    std::vector<std::pair<std::string, std::string>> rows{
        {"hook", cell(member(result, "hook_id"))},
        {"url", cell(member(result, "url"), 2048)},
        {"status", cell(member(result, "status"))},
        {"latency", cell(member(result, "latency_ms")) + " ms"},
        {"response", cell(member(result, "response_excerpt"), 200)}};
    if (!member(result, "error").is_null())
      rows.emplace_back("error", cell(member(result, "error")));
    std::cout << key_values(rows);
  }
  return ok ? 0 : 1;
}

int migrate(const invocation& call) {
  auto db = db_option(call);
  if (!db)
    throw usage_error("--db URL is required (or COURIER_DB)");
  auto report = courier::migrate(*db);
  if (call.line.json)
    print_json({{"from_version", report.from_version}, {"to_version", report.to_version}});
  else if (report.from_version == report.to_version)
    std::cout << "schema is up to date (version " << report.to_version << ")\n";
  else
    std::cout << "migrated schema from version " << report.from_version << " to "
              << report.to_version << "\n";
  return 0;
}

} // namespace

std::vector<verb> cluster_verbs() {
  return {
      {"cluster status",
       "[--db URL]",
       "nodes, partitions, hooks and backlog",
       {"db"},
       0,
       cluster_status,
       "Over the admin API; with --db URL (or COURIER_DB) straight from Postgres.\n"},
      {"test",
       "--hook ID",
       "one signed ping outside the stream: status, latency, excerpt",
       {"hook"},
       0,
       test_ping,
       "Sends {\"type\":\"courier.test\",...} signed like a delivery, without courier-seq;\n"
       "the hook's stream and cursor are untouched. Exit 1 unless the answer is 2xx.\n"},
      {"migrate",
       "--db URL",
       "create or upgrade the courier schema (idempotent)",
       {"db"},
       0,
       migrate,
       "--db defaults to COURIER_DB.\n"},
  };
}

} // namespace courier::ctl
