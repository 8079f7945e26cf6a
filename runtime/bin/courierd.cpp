// courierd: one Courier cluster node. See ../../README.md and shared/CONTRACT.md.
#include "config/node_config.hpp"
#include "runtime/logging.hpp"
#include "runtime/node/node.hpp"
#include "runtime/node/termination.hpp"

#include <cstdio>

extern char** environ;

int main(int argc, char** argv) {
  // First, before any thread exists: SIGTERM during any part of startup must end it.
  courier::termination signals;
  switch (courier::config::requested(argc, argv)) {
  case courier::config::cli_request::help:
    std::fputs(courier::config::usage().c_str(), stdout);
    return 0;
  case courier::config::cli_request::version:
    std::printf("courierd %s\n", COURIER_VERSION);
    return 0;
  case courier::config::cli_request::run:
    break;
  }
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
  return courier::run_node(cfg, signals);
}
