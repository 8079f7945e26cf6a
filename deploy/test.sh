#!/usr/bin/env bash
# Builds Courier and runs its tests. With no arguments, the whole CI suite (.ci/run), in parts:
#   normal   build/, formatting check, unit, Postgres and cluster tests
#   asan     build-asan/ (ASan+UBSan), unit and Postgres tests (pg tests run an ASan courierd)
#   fuzz     build-fuzz/ (clang, libFuzzer), every tests/fuzz target for 30 s
# Every part runs even when an earlier one failed; the summary names the failed parts and
# the exit status is then 1. Options pick parts instead of all three (they combine):
#   deploy/test.sh --quick                the normal part only
#   deploy/test.sh --sanitize address     the asan part only
#   deploy/test.sh --sanitize thread      TSan build in build-tsan, unit tests only
#   deploy/test.sh --fuzz SECONDS         the fuzz part only, each target for SECONDS
# COURIER_BUILD_DIR moves the normal build; COURIER_JOBS limits parallel compiles.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2
root=$PWD

usage() { sed -n '2,13s/^# \{0,1\}//p' "$0"; }
die_usage() {
  echo "test.sh: $1" >&2
  usage >&2
  exit 2
}

parts=()
fuzz_seconds=30
while (($# > 0)); do
  case $1 in
  --quick)
    parts+=(normal)
    shift
    ;;
  --sanitize | --sanitize=*)
    if [[ $1 == --sanitize ]]; then
      (($# >= 2)) || die_usage "--sanitize needs address or thread"
      kind=$2
      shift 2
    else
      kind=${1#*=}
      shift
    fi
    case $kind in
    address) parts+=(asan) ;;
    thread) parts+=(tsan) ;;
    *) die_usage "--sanitize takes address or thread, not '$kind'" ;;
    esac
    ;;
  --fuzz | --fuzz=*)
    if [[ $1 == --fuzz ]]; then
      (($# >= 2)) || die_usage "--fuzz needs a number of seconds per target"
      fuzz_seconds=$2
      shift 2
    else
      fuzz_seconds=${1#*=}
      shift
    fi
    [[ $fuzz_seconds =~ ^[1-9][0-9]*$ ]] || die_usage "--fuzz takes seconds (> 0), not '$fuzz_seconds'"
    parts+=(fuzz)
    ;;
  -h | --help)
    usage
    exit 0
    ;;
  *) die_usage "unknown argument '$1'" ;;
  esac
done
((${#parts[@]} > 0)) || parts=(normal asan fuzz)

ctest_args=(--output-on-failure -j1 --timeout 900)

# Calls each function named, keeps going after a failure, returns the first non-zero status.
run_all() {
  local status=0 rc
  for step in "$@"; do
    "$step"
    rc=$?
    ((status != 0)) || status=$rc
  done
  return "$status"
}

# Formatting is part of the suite (.clang-format); a diff fails the run.
check_format() {
  git rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  git ls-files -z '*.cpp' '*.hpp' | xargs -0 clang-format --dry-run --Werror
}
unit_tests() { ctest --test-dir "$build" "${ctest_args[@]}" -L unit; }
pg_tests() { ctest_rerunning_failed_cases -L pg; }
non_unit_tests() { ctest_rerunning_failed_cases -LE unit; }

# Appends to the digest printed at the very end (CI shows a run's tail, so a failure
# scrolled far up must be repeated there).
digest=$(mktemp)
trap 'rm -f "$digest"' EXIT
note() { echo "$*" | tee -a "$digest" >&2; }

# "binary<TAB>Suite.case" for every googletest case that failed in the last ctest run.
failed_cases() {
  awk '/^Command: /{gsub(/"/, "", $2); bin=$2}
       /^\[  FAILED  \] [A-Za-z0-9_\/]+\.[A-Za-z0-9_\/]+ \(/{print bin "\t" $4}' \
    "$build/Testing/Temporary/LastTest.log" | sort -u
}

# The integration tests (real Postgres, real processes, real timing on 2 shared cores).
# A case that fails is run once more on its own; the run still passes if it then passes,
# but the case is named in the digest as FLAKY, so it is never silent. A binary that fails
# without a failed case (a sanitizer report, a crash, a leak at exit) is not rerun.
ctest_rerunning_failed_cases() {
  ctest --test-dir "$build" "${ctest_args[@]}" "$@" && return 0
  local cases
  cases=$(failed_cases)
  if [[ -z $cases ]]; then
    note "test.sh: $build ctest $*: a test binary failed without a failed test case (crash, sanitizer or leak report); its output above"
    grep -n -E 'ERROR: (Address|Leak)Sanitizer|runtime error|Segmentation|Aborted|Failed +[0-9.]+ sec' \
      "$build/Testing/Temporary/LastTest.log" | head -n 20 | tee -a "$digest" >&2
    return 1
  fi
  local status=0 bin name
  while IFS=$'\t' read -r bin name; do
    note "test.sh: $name ($bin) failed; its failure:"
    awk -v run="[ RUN      ] $name" -v end="[  FAILED  ] $name " \
      '$0 == run {on = 1} on {print} on && index($0, end) == 1 {exit}' \
      "$build/Testing/Temporary/LastTest.log" | grep -E -A6 'Failure' | head -n 30 |
      tee -a "$digest" >&2
    local log="$build/rerun-${name//\//_}.log"
    if "$bin" --gtest_filter="$name" >"$log" 2>&1; then
      note "test.sh: FLAKY: $name passed when run again on its own ($log)"
    else
      note "test.sh: $name failed again on its own ($log):"
      tail -n 40 "$log" | tee -a "$digest" >&2
      status=1
    fi
  done <<<"$cases"
  return "$status"
}

part_normal() {
  build=${COURIER_BUILD_DIR:-build}
  COURIER_BUILD_DIR=$build deploy/build.sh || return
  run_all check_format unit_tests non_unit_tests
}

# ASan+UBSan (GCC). Undefined behaviour halts with a stack trace; deploy/ubsan.supp explains
# the one report let through (CAF's, not ours; matching it needs a symbolizer: llvm-symbolizer
# or binutils' addr2line). Leak detection stays on with no suppressions: courierd, the tests
# and the Postgres client code exit without leaks (a leak turns exit 0 into 23).
part_asan() {
  build="build-asan"
  COURIER_BUILD_DIR=$build deploy/build.sh -DCOURIER_SANITIZE=address || return
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  # For the test binaries only: tests/support's spawn drops LSAN_OPTIONS, so courierd and
  # courierctl run under the tests keep leak checking with no suppression at all.
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/deploy/lsan-tests.supp}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:suppressions=$root/deploy/ubsan.supp}
  run_all unit_tests pg_tests
}

part_tsan() {
  build="build-tsan"
  COURIER_BUILD_DIR=$build deploy/build.sh -DCOURIER_SANITIZE=thread || return
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$root/deploy/tsan.supp}
  # TSan (GCC 12) aborts on kernels with high mmap randomisation; running without address
  # randomisation avoids "unexpected memory mapping".
  local run=()
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    run=(setarch "$(uname -m)" -R)
  fi
  "${run[@]}" ctest --test-dir "$build" "${ctest_args[@]}" -L unit
}

# libFuzzer needs clang and its compiler-rt (deploy/install-deps.sh installs both); a
# missing one fails this part loudly rather than skipping it.
part_fuzz() {
  deploy/install-deps.sh || return
  local runtime
  if ! command -v clang++ >/dev/null; then
    echo "test.sh: fuzz: clang++ not found (Debian package clang)" >&2
    return 1
  fi
  runtime=$(clang++ -print-resource-dir)/lib/linux/libclang_rt.fuzzer-$(uname -m).a
  if [[ ! -f $runtime ]]; then
    echo "test.sh: fuzz: libFuzzer runtime $runtime missing (Debian package libclang-rt-14-dev)" >&2
    return 1
  fi
  COURIER_BUILD_DIR=build-fuzz deploy/build.sh -DCOURIER_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Debug -DCOURIER_TESTS=OFF || return
  local status=0 targets=(build-fuzz/tests/fuzz/*_fuzz)
  if [[ ! -x ${targets[0]} ]]; then
    echo "test.sh: fuzz: no targets built in build-fuzz/tests/fuzz" >&2
    return 1
  fi
  mkdir -p build-fuzz/fuzz-corpus build-fuzz/fuzz-artifacts build-fuzz/fuzz-logs
  for target in "${targets[@]}"; do
    local name=${target##*/}
    name=${name%_fuzz}
    local seeds=tests/fuzz/corpus/$name corpus=build-fuzz/fuzz-corpus/$name
    local log=build-fuzz/fuzz-logs/$name.log prefix=build-fuzz/fuzz-artifacts/$name-
    mkdir -p "$corpus"
    [[ -d $seeds ]] || echo "test.sh: fuzz: $name has no seed corpus ($seeds)" >&2
    rm -f "$prefix"*
    # New inputs go to the first directory (the build's), the seeds stay as committed.
    "$target" -max_total_time="$fuzz_seconds" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$prefix" "$corpus" "$seeds" >"$log" 2>&1
    local rc=$?
    local runs
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if ((rc == 0)); then
      echo "test.sh: fuzz: $name: ${runs:-?} inputs in ${fuzz_seconds}s, no finding"
      continue
    fi
    status=1
    echo "test.sh: fuzz: $name FAILED (exit $rc); log $log, last lines:" >&2
    grep -v -E '^#[0-9]+\s+(NEW|REDUCE|pulse|RELOAD)' "$log" | tail -n 60 >&2
    for artifact in "$prefix"*; do
      [[ -e $artifact ]] || continue
      echo "test.sh: fuzz: $name: input kept as $artifact; reproduce with $target $artifact" >&2
      od -A d -c "$artifact" | head -n 20 >&2
    done
  done
  return "$status"
}

failed=()
passed=()
timings=()
for part in "${parts[@]}"; do
  echo "test.sh: === part $part ===" >&2
  started=$SECONDS
  # Subshells: one part's exported sanitizer options and failures stay its own.
  ("part_$part")
  rc=$?
  timings+=("$part $((SECONDS - started))s")
  if ((rc == 0)); then passed+=("$part"); else failed+=("$part"); fi
done

if [[ -s $digest ]]; then
  echo "test.sh: --- digest of failures (details above) ---"
  cat "$digest"
fi
echo "test.sh: parts and wall times: ${timings[*]}"
if ((${#failed[@]} > 0)); then
  echo "test.sh: FAILED parts: ${failed[*]}"
fi
echo "parts: ${#passed[@]} passed, ${#failed[@]} failed"
((${#failed[@]} == 0))
