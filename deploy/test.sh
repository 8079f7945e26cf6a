#!/usr/bin/env bash
# Builds Courier and runs its tests: unit tests first, then Postgres and cluster tests.
#   deploy/test.sh                        full suite in ${COURIER_BUILD_DIR:-build}
#   deploy/test.sh --sanitize address     ASan+UBSan build in build-asan, unit tests only
#   deploy/test.sh --sanitize thread      TSan build in build-tsan, unit tests only
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '2,5s/^# \{0,1\}//p' "$0"; }

sanitize=""
while (($# > 0)); do
  case $1 in
  --sanitize)
    if (($# < 2)); then
      echo "test.sh: --sanitize needs address or thread" >&2
      exit 2
    fi
    sanitize=$2
    shift 2
    ;;
  --sanitize=*)
    sanitize=${1#*=}
    shift
    ;;
  -h | --help)
    usage
    exit 0
    ;;
  *)
    echo "test.sh: unknown argument '$1'" >&2
    usage >&2
    exit 2
    ;;
  esac
done

ctest_args=(--output-on-failure -j1 --timeout 900)

case $sanitize in
"")
  build=${COURIER_BUILD_DIR:-build}
  COURIER_BUILD_DIR=$build deploy/build.sh
  status=0
  # Formatting is part of the suite (.clang-format); a diff fails the run.
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format --dry-run --Werror || status=$?
  fi
  ctest --test-dir "$build" "${ctest_args[@]}" -L unit || status=$?
  ctest --test-dir "$build" "${ctest_args[@]}" -LE unit || status=$?
  exit "$status"
  ;;
address | thread)
  build=build-${sanitize:0:1}san # build-asan, build-tsan
  COURIER_BUILD_DIR=$build deploy/build.sh -DCOURIER_SANITIZE="$sanitize"
  # Make undefined behaviour and races fail the test instead of only printing a report.
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  # TSan (GCC 12) aborts on kernels with high mmap randomisation; running without address
  # randomisation avoids "unexpected memory mapping".
  run=()
  if [[ $sanitize == thread ]] && setarch "$(uname -m)" -R true 2>/dev/null; then
    run=(setarch "$(uname -m)" -R)
  fi
  "${run[@]}" ctest --test-dir "$build" "${ctest_args[@]}" -L unit
  ;;
*)
  echo "test.sh: --sanitize takes address or thread, not '$sanitize'" >&2
  exit 2
  ;;
esac
