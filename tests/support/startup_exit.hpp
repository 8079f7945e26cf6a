#pragma once
// The check shared by the tests of signals during courierd's startup: the node is still
// starting, takes the signal and exits 0 within 2.5 s (design target 1 s; the rest is
// slack for a loaded 2-core machine), saying why. Called from the test's thread.
#include "tests/support/process.hpp"

namespace courier::test {

// Records gtest failures; sends `signal` (SIGTERM or SIGINT) to `node`.
void expect_prompt_exit_while_starting(child_process& node, int signal);

} // namespace courier::test
