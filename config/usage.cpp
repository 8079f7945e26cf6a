// usage(): courierd's --help text, its key list generated from the key table.
#include "config/config_sources.hpp"
#include "config/keys.hpp"
#include "config/node_config.hpp"

#include <algorithm>
#include <cstring>

namespace courier::config {

std::string usage() {
  std::string out =
      "usage: courierd [--config FILE] [--KEY VALUE | --KEY=VALUE]...\n"
      "       courierd --help | -h | --version\n"
      "\n"
      "Runs one Courier node: delivers the webhooks of the Postgres outbox in --db for the\n"
      "partitions it leases. Every key below is also read from the environment as\n"
      "COURIER_<KEY> (e.g. COURIER_DB) and from the --config file (or COURIER_CONFIG) as\n"
      "'key = value' lines (a flat TOML subset, at most 1 MiB). Flags win over the environment,\n"
      "the environment over the file. db is required; node_id defaults to <hostname>-<pid>.\n"
      "\n"
      "Exit codes: 0 after SIGTERM or SIGINT (a running node first hands its partitions\n"
      "over; a starting one holds none and exits at once), 2 on bad configuration (one line\n"
      "naming the key), 1 on any other failure.\n"
      "\n"
      "keys:\n";
  std::size_t width = 0;
  for (const auto& spec : key_specs())
    width = std::max(width, std::strlen(spec.name));
  const node_config defaults;
  for (const auto& spec : key_specs()) {
    std::string line = "  --" + std::string(spec.name);
    line.resize(width + 6, ' ');
    line += spec.expected;
    const std::string value = spec.show(defaults);
    if (!value.empty()) {
      const std::string note = "; default " + value;
      // Long defaults (retry_schedule) go on a line of their own, under the description.
      line += line.size() + note.size() <= 100
                  ? note
                  : "\n" + std::string(width + 6, ' ') + note.substr(2);
    }
    out += line + "\n";
  }
  return out;
}

} // namespace courier::config
