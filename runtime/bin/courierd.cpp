// courierd: one Courier cluster node. See ../../README.md and shared/CONTRACT.md.
#include "config/node_config.hpp"
#include "runtime/logging.hpp"
#include "runtime/node/node.hpp"

#include <cstdio>

extern char** environ;

int main(int argc, char** argv) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e)
    env.emplace_back(*e);
  courier::config::node_config cfg;
  try {
    cfg = courier::config::load(argc, argv, env);
  } catch (const courier::config::config_error& e) {
    std::fprintf(stderr, "courierd: %s\n", e.what());
    return 2;
  }
  courier::setup_logging(cfg.log_format, cfg.log_level, cfg.node_id);
  return courier::run_node(cfg);
}
