#pragma once
// Node bootstrap: wires the store, HTTP client, leases and telemetry into a CAF actor
// system, starts the supervision tree and the admin endpoint, and turns SIGTERM into
// a graceful drain once the node holds leases. Returns the process exit code.
#include "config/node_config.hpp"
#include "runtime/node/termination.hpp"

namespace courier {

int run_node(const config::node_config& cfg, termination& signals);

} // namespace courier
