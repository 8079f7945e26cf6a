#!/usr/bin/env bash
# Installs dependencies, then configures and builds Courier with Ninja into
# ${COURIER_BUILD_DIR:-build} (relative to the repository root). Arguments are passed to
# cmake's configure step, e.g. deploy/build.sh -DCOURIER_TESTS=OFF.
set -euo pipefail
cd "$(dirname "$0")/.."

deploy/install-deps.sh

build=${COURIER_BUILD_DIR:-build}
jobs=${COURIER_JOBS:-$(nproc 2>/dev/null || echo 2)}

# A directory configured by another generator cannot be reused by Ninja; start it afresh.
if [[ -f $build/CMakeCache.txt ]] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$build/CMakeCache.txt"; then
  rm -rf "$build/CMakeCache.txt" "$build/CMakeFiles"
fi
# Configure on first use or when given arguments; otherwise ninja re-runs cmake itself
# whenever a CMakeLists.txt or a globbed folder changes.
if [[ ! -f $build/build.ninja ]] || (($# > 0)); then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@"
fi
ninja -C "$build" -j "$jobs"
