#!/usr/bin/env bash
# CPU cost of analytics per 1,000 recorded events, on each side: the gateway (request
# threads and the fg-analytics writer thread apart) and PostgreSQL (every process of the
# cluster: backends, WAL writer, checkpointer, autovacuum). CPU time, not throughput, so
# the figure holds on a shared machine where req/s swings with the neighbours' load.
#
#   analytics/bench/cpu_per_event.sh [requests_per_second=4000] [seconds=15]
#
# Starts a throwaway PostgreSQL, an NGINX backend and floodgate with
# bench/templates/floodgate-analytics.yaml (then the same without `analytics:`), drives
# each with h2load at a fixed rate, waits until every decision is in decision_events and
# reads utime+stime from /proc. Loopback only, free ports, temp dir removed at the end.
# Env: FLOODGATE_BIN (default build/bin/floodgate), EXTRA_SQL (run after the schema, e.g.
# to try an index), KEEP=1 (keep the temp dir).
set -euo pipefail

rate=${1:-4000}
duration=${2:-15}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
floodgate_bin=${FLOODGATE_BIN:-$repo/build/bin/floodgate}
# shellcheck disable=SC2034 # read by log() in common.sh
FLOODGATE_LOG_TAG=cpu-per-event
# shellcheck source=../../scripts/lib/common.sh
source "$repo/scripts/lib/common.sh"

[[ -x $floodgate_bin ]] || die "$floodgate_bin not built"
for tool in h2load nginx psql curl; do command -v "$tool" >/dev/null || die "$tool not found"; done

work=$(mktemp -d /tmp/floodgate-cpu.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/tmp" && chmod 777 "$work/tmp"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid" 5; done
  "$repo/scripts/postgres-stop.sh" "$work/pg" >/dev/null 2>&1 || true
  [[ ${KEEP:-0} == 1 ]] || rm -rf "$work"
}
trap cleanup EXIT

pg_port="" backend_port="" gw_port=""
pick_port pg_port
pick_port backend_port
pick_port gw_port
"$repo/scripts/postgres-start.sh" "$work/pg" "$pg_port" >"$work/pg-start.log" 2>&1 ||
  { cat "$work/pg-start.log" >&2; die "PostgreSQL did not start"; }
uri="postgresql://floodgate:floodgate@127.0.0.1:$pg_port/floodgate"
[[ -z ${EXTRA_SQL:-} ]] || psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "$EXTRA_SQL"

sed -e "s|@WORK@|$work|g" -e "s|@BACKEND_PORT@|$backend_port|g" -e "s|@BACKEND_WORKERS@|1|g" \
  "$repo/bench/templates/nginx-backend.conf" >"$work/nginx-backend.conf"
nginx -p "$work" -c "$work/nginx-backend.conf" -g "daemon off;" >"$work/nginx.log" 2>&1 &
pids+=($!)
wait_for_port "$backend_port" 10 || die "backend NGINX did not start"

# ticks STAT...: utime + stime (clock ticks) of the given /proc stat files (processes or
# threads); fields 14 and 15, counted after the "(comm)" field, which may hold spaces.
ticks() {
  local f total=0
  for f in "$@"; do
    [[ -r $f ]] || continue
    total=$((total + $(sed -E 's/^.*\) //' "$f" | awk '{ print $12 + $13 }')))
  done
  echo "$total"
}
# pg_ticks: the whole cluster: the postmaster, its live children, and (cutime + cstime)
# the children that exited meanwhile (autovacuum workers, finished backends).
pg_ticks() {
  local pm children
  pm=$(head -1 "$work/pg/postmaster.pid")
  children=$(pgrep -P "$pm" | sed 's|.*|/proc/&/stat|' | tr '\n' ' ')
  # shellcheck disable=SC2086 # one path per word
  echo $(($(ticks "/proc/$pm/stat" $children) +
    $(sed -E 's/^.*\) //' "/proc/$pm/stat" | awk '{ print $14 + $15 }')))
}
writer_stat() { grep -l '^fg-analytics$' /proc/"$1"/task/*/comm 2>/dev/null | sed 's/comm$/stat/' || true; }
hz=$(getconf CLK_TCK)
ms_per_k() { awk -v t="$1" -v n="$2" -v hz="$hz" 'BEGIN { printf "%.1f", n ? t * 1000 / hz / n * 1000 : 0 }'; }

# run NAME TEMPLATE: one gateway, one fixed-rate load; prints the CPU figures.
run() {
  local name=$1 template=$2 gw requests rows=0 deadline
  BENCH_LISTEN_PORT=$gw_port BENCH_WORKERS=1 BENCH_BACKEND_PORT=$backend_port \
    BENCH_POSTGRES=$uri "$floodgate_bin" --config "$repo/bench/templates/$template" \
    >"$work/$name.log" 2>&1 &
  gw=$!
  pids+=("$gw")
  wait_for_http "http://127.0.0.1:$gw_port/health" 20 || die "$name did not start"
  local before_rows
  before_rows=$(psql -X -At "$uri" -c "SELECT count(*) FROM decision_events")
  local gw0 wr0 pg0 writer
  writer=$(writer_stat "$gw")
  gw0=$(ticks "/proc/$gw/stat")
  wr0=$(ticks "$writer")
  pg0=$(pg_ticks)
  h2load --h1 -c4 -t1 --rps $((rate / 4)) -D "$duration" "http://127.0.0.1:$gw_port/" \
    >"$work/$name-h2load.txt" 2>&1
  requests=$(awk '/^requests:/ { print $8 }' "$work/$name-h2load.txt")
  if [[ $template == *analytics* ]]; then
    deadline=$((SECONDS + 60))
    while ((SECONDS < deadline)); do
      rows=$(($(psql -X -At "$uri" -c "SELECT count(*) FROM decision_events") - before_rows))
      ((rows < requests)) || break
      sleep 0.5
    done
  fi
  local gw1 wr1 pg1
  gw1=$(ticks "/proc/$gw/stat")
  wr1=$(ticks "$writer")
  pg1=$(pg_ticks)
  stop_pid "$gw" 10
  echo "$name: $requests requests (2xx), $rows rows; CPU ms per 1,000 requests:" \
    "gateway $(ms_per_k $((gw1 - gw0)) "$requests") (writer thread $(ms_per_k $((wr1 - wr0)) "$requests"))," \
    "PostgreSQL $(ms_per_k $((pg1 - pg0)) "$requests")"
}

log "load: $rate req/s for $duration s, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
run analytics-off floodgate-memory.yaml
run analytics-on floodgate-analytics.yaml
