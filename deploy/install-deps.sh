#!/usr/bin/env bash
# Installs Courier's build and test dependencies from Debian 12 packages. Idempotent and
# offline when everything is present: apt runs only for packages that are missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libcaf-dev libpqxx-dev libpq-dev libboost-dev libboost-system-dev libssl-dev
  libspdlog-dev libfmt-dev nlohmann-json3-dev prometheus-cpp-dev libgtest-dev
  postgresql postgresql-contrib
  openssl procps iproute2 util-linux clang-format
  # Fuzzing (deploy/test.sh --fuzz): clang and its compiler-rt, which holds the libFuzzer,
  # ASan and UBSan runtimes that -fsanitize=fuzzer,address,undefined links (only recommended
  # by clang, so named here; libfuzzer-14-dev's separate libFuzzer.a is not used). llvm
  # brings llvm-symbolizer, which turns sanitizer reports into file:line for both compilers.
  clang libclang-rt-14-dev llvm
  # The status page test (tests/pg/status_page_test.cpp) loads GET / in a real headless
  # browser and keeps a screenshot; it skips with a message when chromium is missing.
  chromium
)

# --- deploy/observe tests (tests/deploy) -------------------------------------------------
# promtool and a Prometheus the tests start themselves, systemd-analyze for the unit,
# gnuplot for the dashboard picture, and kubectl for its built-in kustomize: Debian's is
# kubernetes-client; a kubectl that is already installed (e.g. a cloud SDK's) does as well.
observe_packages=(prometheus systemd gnuplot-nox)
command -v kubectl >/dev/null 2>&1 || observe_packages+=(kubernetes-client)
packages+=("${observe_packages[@]}")
# --- end deploy/observe tests ---------------------------------------------------------------

installed() {
  [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == "install ok installed" ]]
}

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "install-deps: missing ${missing[*]}; run this script as root or install sudo" >&2
    exit 1
  fi
fi

# Tests start their own Postgres with initdb on a private port and socket directory. When
# this install is what brings Postgres in, tell postgresql-common not to create (and, where
# a service manager runs, start) the default 15/main cluster on 5432: it would only be a
# stray server. Existing clusters are someone else's and are left alone.
if ! installed postgresql; then
  "${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" |
    "${as_root[@]}" tee /etc/postgresql-common/createcluster.d/courier.conf >/dev/null
fi

# --- deploy/observe tests: Debian's prometheus package starts a server on :9090 when it is
# installed (and at every boot, being enabled). The tests run their own on a private port;
# when this install brings it in, mask the unit first so systemd never starts that one
# (without systemd, invoke-rc.d finds no runlevel in a container and starts nothing).
if ! installed prometheus; then
  "${as_root[@]}" mkdir -p /etc/systemd/system
  "${as_root[@]}" ln -sfn /dev/null /etc/systemd/system/prometheus.service
fi
# --- end deploy/observe tests ---------------------------------------------------------------

echo "install-deps: installing ${missing[*]}" >&2
# A failed update (offline mirror, stale proxy) is not fatal: cached lists may still do.
"${as_root[@]}" apt-get update ||
  echo "install-deps: apt-get update failed; trying the cached package lists" >&2
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"

if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h 2>/dev/null | grep -qw online; then
  echo "install-deps: note: a system Postgres cluster is running; Courier's tests do not use it" >&2
fi
