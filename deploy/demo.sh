#!/usr/bin/env bash
# Courier in two minutes: builds Courier, starts a throwaway PostgreSQL, a demo webhook
# subscriber and a 3-node cluster, emits events from SQL transactions and shows them
# arrive signed and in order, including across a node crash (kill -9).
#
#   deploy/demo.sh [--keep-running]
#
# --keep-running leaves everything up after the demo until Ctrl-C. Everything lives in
# one temporary directory that is removed, with every process started, on exit.
# Environment: COURIER_BUILD_DIR (default build), PG_BIN (default the newest
# /usr/lib/postgresql/*/bin), COURIER_DEMO_SKIP_BUILD=1 to reuse an existing build.
set -euo pipefail

keep_running=false
for arg in "$@"; do
  case $arg in
  --keep-running) keep_running=true ;;
  -h | --help)
    sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *)
    echo "demo: unknown argument '$arg' (try --help)" >&2
    exit 2
    ;;
  esac
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${COURIER_BUILD_DIR:-build}
[[ $build == /* ]] || build=$repo/$build

if [[ -t 1 ]]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
section() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
note() { printf '   %s\n' "$*"; }
die() {
  printf 'demo: %s\n' "$*" >&2
  exit 1
}

# --- state the EXIT trap tears down; set before anything is started -------------------
tmp=""
idling=false
ok=true
pg_started=false
subscriber_pid=""
node_pids=()
as_postgres=()
pg_bin=""

# Prints the last lines of a log, so a failed run explains itself before the
# temporary directory (and the log with it) is removed.
show_tail() {
  [[ -s $1 ]] || return 0
  printf -- '--- last lines of %s\n' "${1##*/}" >&2
  tail -n 15 "$1" | sed 's/^/   /' >&2
}

stop_pid() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < $2 * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  echo "demo: pid $pid ignored SIGTERM for $2 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$?
  set +e
  # A second Ctrl-C must not cut the cleanup short and leave processes behind.
  trap '' INT TERM
  trap - EXIT
  if $idling; then
    # --keep-running: Ctrl-C is the expected way out; the checks decide the status.
    if $ok; then status=0; else status=1; fi
  elif ((status == 130 || status == 143)); then
    echo "demo: interrupted" >&2
  elif ((status != 0)) && [[ -n $tmp ]]; then
    echo "demo: failed (exit status $status); logs follow" >&2
    for log in "$tmp"/node-*.log "$tmp"/subscriber.log "$tmp"/postgres.log; do
      show_tail "$log"
    done
  fi
  if ((${#node_pids[@]} > 0)) || [[ -n $subscriber_pid ]] || $pg_started; then
    section "Shutting down"
  fi
  # Nodes first (SIGTERM drains: in-flight attempts finish and cursors are flushed),
  # in parallel so their grace periods overlap; then the subscriber, then Postgres.
  local pid stoppers=()
  for pid in "${node_pids[@]}"; do
    stop_pid "$pid" 15 &
    stoppers+=($!)
  done
  ((${#stoppers[@]} > 0)) && wait "${stoppers[@]}"
  ((${#node_pids[@]} > 0)) && note "courierd nodes stopped"
  if [[ -n $subscriber_pid ]]; then
    stop_pid "$subscriber_pid" 5
    grep '^summary:' "$tmp/subscriber.log" | sed 's/^/   subscriber /'
  fi
  if $pg_started; then
    "${as_postgres[@]}" "$pg_bin/pg_ctl" stop -D "$tmp/pgdata" -m fast -s >/dev/null 2>&1 ||
      echo "demo: pg_ctl stop failed" >&2
    note "PostgreSQL stopped"
  fi
  if [[ -n $tmp ]]; then
    rm -rf "$tmp"
    note "removed $tmp"
  fi
  exit "$status"
}
trap cleanup EXIT
# A signal ends the script through exit, so the EXIT trap does the cleanup once.
trap 'exit 130' INT
trap 'exit 143' TERM

port_free() {
  if command -v ss >/dev/null 2>&1; then
    [[ -z $(ss -ltnH "sport = :$1" 2>/dev/null) ]]
  else
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 1; fi
  fi
}

# Sets REPLY to a free TCP port in [from, from+100] that this script has not handed out
# yet. Not meant for $(...): the list of handed-out ports must survive the call.
taken_ports=" "
free_port() {
  local port
  for ((port = $1; port <= $1 + 100; port++)); do
    [[ $taken_ports == *" $port "* ]] && continue
    if port_free "$port"; then
      taken_ports+="$port "
      REPLY=$port
      return 0
    fi
  done
  die "no free port in $1..$(($1 + 100))"
}

# HTTP status of GET http://127.0.0.1:port/path, or 000; bash only, so curl is optional.
http_status() {
  local line=""
  {
    exec 3<>"/dev/tcp/127.0.0.1/$1" &&
      printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$2" >&3 &&
      read -r -t 2 line <&3
    exec 3>&-
  } 2>/dev/null || true
  line=${line#HTTP/1.? }
  echo "${line:0:3}" | grep -E '^[0-9]{3}$' || echo 000
}

sql() { "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -P pager=off -d "$db_url" "$@"; }
sql_value() { sql -At -c "$1"; }

# --- subscriber output ------------------------------------------------------------
shown_lines=0
show_new_deliveries() {
  local total
  total=$(wc -l <"$tmp/subscriber.log")
  if ((total > shown_lines)); then
    sed -n "$((shown_lines + 1)),${total}p" "$tmp/subscriber.log" | { grep '^\[' || true; } |
      sed 's/^/   /'
    shown_lines=$total
  fi
}

# Distinct (hook path, seq) pairs the subscriber accepted with a 200.
distinct_delivered() {
  grep ' status=200' "$tmp/subscriber.log" | awk '{print $1, $2}' | sort -u | wc -l
}

# Every event a committed transaction appended to some hook's stream.
expected_deliveries() { sql_value "SELECT coalesce(sum(next_seq - 1), 0) FROM courier.streams"; }

wait_for_deliveries() { # timeout in seconds
  local expected got deadline=$((SECONDS + $1)) start=${EPOCHREALTIME/./}
  expected=$(expected_deliveries)
  note "waiting for $expected deliveries (distinct hook/seq pairs)..."
  while :; do
    show_new_deliveries
    got=$(distinct_delivered)
    if ((got >= expected)); then
      local ms=$(((${EPOCHREALTIME/./} - start) / 1000))
      note "all $expected deliveries arrived ($((ms / 1000)).$((ms % 1000 / 100)) s)"
      return 0
    fi
    ((SECONDS < deadline)) || die "only $got of $expected deliveries arrived within $1 s"
    sleep 0.5
  done
}

# --- 1. build -------------------------------------------------------------------------
if [[ ${COURIER_DEMO_SKIP_BUILD:-} != 1 ]]; then
  section "Building Courier into $build (deploy/build.sh)"
  COURIER_BUILD_DIR=$build "$repo/deploy/build.sh"
fi
courierd=$build/courierd
courierctl=$build/courierctl
subscriber=$build/deploy/demo/courier-demo-subscriber
for exe in "$courierd" "$courierctl" "$subscriber"; do
  [[ -x $exe ]] || die "$exe is missing; build it first (deploy/build.sh)"
done

# --- 2. PostgreSQL --------------------------------------------------------------------
section "Starting a throwaway PostgreSQL"
if [[ -z ${PG_BIN:-} ]]; then
  pg_bin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
else
  pg_bin=$PG_BIN
fi
[[ -x $pg_bin/initdb ]] || die "no PostgreSQL server binaries (set PG_BIN, or run deploy/install-deps.sh)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/courier-demo.XXXXXX")
# Postgres refuses to run as root: as root, the cluster belongs to the postgres user.
if (($(id -u) == 0)); then
  as_postgres=(runuser -u postgres --)
  chown postgres: "$tmp"
fi
"${as_postgres[@]}" "$pg_bin/initdb" -D "$tmp/pgdata" --auth=trust -U postgres -E UTF8 \
  >"$tmp/initdb.log" 2>&1 || {
  show_tail "$tmp/initdb.log"
  die "initdb failed"
}
free_port 25432
pg_port=$REPLY
pg_started=true # from here on, cleanup stops it (a no-op if the start failed)
"${as_postgres[@]}" "$pg_bin/pg_ctl" start -D "$tmp/pgdata" -w -t 30 -l "$tmp/postgres.log" \
  -o "-p $pg_port -k $tmp -c listen_addresses=127.0.0.1" >/dev/null ||
  die "pg_ctl start failed"
db_url="postgresql://postgres@127.0.0.1:$pg_port/courier"
"$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -d "postgresql://postgres@127.0.0.1:$pg_port/postgres" \
  -c "CREATE DATABASE courier"
note "PostgreSQL $("$pg_bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$pg_port, data in $tmp/pgdata"
note "database: $db_url"

section "Installing the schema (courierctl migrate)"
"$courierctl" migrate --db "$db_url" | sed 's/^/   /'

# --- 3. subscriber --------------------------------------------------------------------
section "Starting the demo subscriber"
secret="whsec_$(openssl rand -base64 24)"
free_port 28080
sub_port=$REPLY
"$subscriber" --listen "127.0.0.1:$sub_port" --secret "$secret" --fail-every 7 \
  >"$tmp/subscriber.log" 2>&1 &
subscriber_pid=$!
for ((i = 0; i < 50; i++)); do
  grep -q '^listening' "$tmp/subscriber.log" && break
  kill -0 "$subscriber_pid" 2>/dev/null || die "the subscriber exited: $(cat "$tmp/subscriber.log")"
  sleep 0.1
done
grep -q '^listening' "$tmp/subscriber.log" || die "the subscriber did not start listening"
shown_lines=1
note "http://127.0.0.1:$sub_port/ verifies signatures with $secret"
note "it answers 503 to every 7th request, so some deliveries are retried (attempt > 1)"

# --- 4. cluster -----------------------------------------------------------------------
section "Starting a 3-node Courier cluster"
declare -A admin_port node_pid_of
for n in 1 2 3; do
  node=demo-$n
  free_port 28480
  admin_port[$node]=$REPLY
  "$courierd" --db "$db_url" --node_id "$node" --admin_listen "127.0.0.1:${admin_port[$node]}" \
    --allow_private_targets true --retry_schedule 500ms,1s,2s --log_level info \
    >"$tmp/node-$n.log" 2>&1 &
  node_pid_of[$node]=$!
  node_pids+=($!)
  # disown: a node killed on purpose below should not make bash print "Killed".
  disown $!
done
for node in demo-1 demo-2 demo-3; do
  for ((i = 0; i < 300; i++)); do
    kill -0 "${node_pid_of[$node]}" 2>/dev/null || die "$node exited during startup"
    [[ $(http_status "${admin_port[$node]}" /readyz) == 200 ]] && break
    sleep 0.1
  done
  [[ $(http_status "${admin_port[$node]}" /readyz) == 200 ]] || die "$node is not ready after 30 s"
  note "$node  pid ${node_pid_of[$node]}  admin http://127.0.0.1:${admin_port[$node]}/{healthz,readyz,metrics}  log $tmp/node-${node#demo-}.log"
done

# --- 5. hooks and events ----------------------------------------------------------------
section "Creating 3 hooks (SQL: courier.create_hook)"
sub_url=http://127.0.0.1:$sub_port
sql -c "SELECT courier.create_hook('$sub_url/orders', '$secret', '{order.*}') AS orders_hook,
               courier.create_hook('$sub_url/users',  '$secret', '{user.*}')  AS users_hook,
               courier.create_hook('$sub_url/all',    '$secret')              AS all_hook"

section "Emitting 30 events from application transactions (SQL: courier.emit)"
note "transaction 1..5: one user.created each (autocommit)"
for u in 1 2 3 4 5; do
  sql -c "SELECT courier.emit('user.created', '{\"user_id\": $u, \"name\": \"user $u\"}')" >/dev/null
done
note "transaction 6: an application INSERT and 10 order.created emits, committed together"
sql >/dev/null <<'SQL'
CREATE TABLE demo_orders (id int PRIMARY KEY, total numeric NOT NULL);
BEGIN;
INSERT INTO demo_orders SELECT g, g * 10.5 FROM generate_series(1, 10) g;
SELECT courier.emit('order.created', jsonb_build_object('order_id', id, 'total', total))
  FROM demo_orders ORDER BY id;
COMMIT;
SQL
note "transaction 7: 3 emits, then ROLLBACK: these must never arrive"
sql >/dev/null <<'SQL'
BEGIN;
INSERT INTO demo_orders VALUES (999, 1);
SELECT courier.emit('order.created', '{"order_id": 999, "note": "ROLLED-BACK"}');
SELECT courier.emit('user.deleted', '{"user_id": 1, "note": "ROLLED-BACK"}');
SELECT courier.emit('invoice.sent', '{"invoice": 999, "note": "ROLLED-BACK"}');
ROLLBACK;
SQL
note "transaction 8: 15 mixed emits (order.paid, user.updated, invoice.sent)"
sql >/dev/null <<'SQL'
BEGIN;
SELECT courier.emit(t.type, jsonb_build_object('n', g))
  FROM generate_series(1, 5) g,
       (VALUES (1, 'order.paid'), (2, 'user.updated'), (3, 'invoice.sent')) AS t(k, type)
 ORDER BY g, t.k;
COMMIT;
SQL
note "expected: /orders 15, /users 10, /all 30"

section "Deliveries as the subscriber prints them"
wait_for_deliveries 60

section "courierctl cluster status"
"$courierctl" cluster status --db "$db_url" | sed 's/^/   /'
section "SELECT * FROM courier.hook_status"
sql -c "SELECT * FROM courier.hook_status ORDER BY hook_id"

# --- 6. failover ------------------------------------------------------------------------
# Kill the node that owns the most hooks, so its hooks have to move.
victim=$(sql_value "SELECT owner_node FROM courier.hook_status WHERE owner_node IS NOT NULL
                     GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
[[ -n $victim && -n ${node_pid_of[$victim]:-} ]] || victim=demo-1
section "Failover: kill -9 $victim (owner of hooks $(sql_value "SELECT string_agg(hook_id::text, ',')
  FROM courier.hook_status WHERE owner_node = '$victim'"))"
kill -KILL "${node_pid_of[$victim]}"
for ((i = 0; i < 50; i++)); do
  kill -0 "${node_pid_of[$victim]}" 2>/dev/null || break
  sleep 0.1
done
node_pids=()
for node in "${!node_pid_of[@]}"; do
  [[ $node == "$victim" ]] || node_pids+=("${node_pid_of[$node]}")
done
note "emitting 10 more events (5 order.shipped, 5 user.login) in one transaction"
sql >/dev/null <<'SQL'
BEGIN;
SELECT courier.emit(t.type, jsonb_build_object('n', g, 'after', 'failover'))
  FROM generate_series(1, 5) g, (VALUES (1, 'order.shipped'), (2, 'user.login')) AS t(k, type)
 ORDER BY g, t.k;
COMMIT;
SQL
wait_for_deliveries 60
section "courierctl cluster status (after failover)"
"$courierctl" cluster status --db "$db_url" | sed 's/^/   /'
sql -c "SELECT hook_id, url, state, next_seq, backlog, owner_node FROM courier.hook_status
         ORDER BY hook_id"

# --- 7. verdict ------------------------------------------------------------------------
section "Checks"
check() { # description, condition result (0 = passed)
  if (($2 == 0)); then note "ok    $1"; else
    note "FAIL  $1"
    ok=false
  fi
}
grep -q 'ROLLED-BACK' "$tmp/subscriber.log" && rolled=1 || rolled=0
check "no event from the rolled-back transaction arrived" "$rolled"
bad=$(grep -c '^\[.* sig=BAD' "$tmp/subscriber.log" || true)
check "every signature verified ($bad bad)" "$bad"
gaps=$(grep -c '^\[.* order=GAP' "$tmp/subscriber.log" || true)
check "per-hook order held: no seq arrived before its predecessors ($gaps gaps)" "$gaps"
retried=$(grep -c '^\[.* attempt=[2-9]' "$tmp/subscriber.log" || true)
note "info  $retried deliveries were retries after a simulated 503"

if $keep_running; then
  section "Still running (--keep-running); press Ctrl-C to stop everything"
  note "database:    $db_url   (psql \"$db_url\")"
  note "emit:        SELECT courier.emit('order.created', '{\"id\": 1}');"
  note "subscriber:  $tmp/subscriber.log"
  for node in demo-1 demo-2 demo-3; do
    [[ $node == "$victim" ]] && continue
    note "$node:      http://127.0.0.1:${admin_port[$node]}/metrics   log $tmp/node-${node#demo-}.log"
  done
  idling=true
  while :; do
    show_new_deliveries
    sleep 1
  done
fi
$ok || die "some checks failed"
section "Demo finished"
