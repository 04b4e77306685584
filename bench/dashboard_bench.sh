#!/usr/bin/env bash
# Dashboard latency with a large decision_events table: starts a throwaway PostgreSQL
# cluster, loads <events> synthetic events spread over 24 h (bench/dashboard_load.sh),
# starts floodgate-dashboard on it and times every endpoint with curl (time_total, median
# of 5 runs after one warm-up) for the 1h, 6h and 24h windows. Everything runs on loopback,
# on free ports, in a temp dir that is removed at the end.
#
#   bench/dashboard_bench.sh [events=10000000]
#
# Env: BUILD_DIR (default build) for bin/floodgate-dashboard; KEEP=1 keeps the cluster
# and prints its URI instead of stopping it.
set -euo pipefail

events=${1:-10000000}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build}
dashboard_bin=$build/bin/floodgate-dashboard
# shellcheck disable=SC2034 # read by log() in common.sh
FLOODGATE_LOG_TAG=dashboard-bench
# shellcheck source=../scripts/lib/common.sh
source "$repo/scripts/lib/common.sh"
# shellcheck source=lib.sh
source "$repo/bench/lib.sh"

[[ -x $dashboard_bin ]] || die "$dashboard_bin not built (cmake --build $build --target floodgate-dashboard)"
command -v curl >/dev/null || die "curl not found"

work=$(mktemp -d /tmp/floodgate-dashboard-bench.XXXXXX)
chmod 755 "$work"  # PostgreSQL runs as the postgres user when we are root
pg_port="" dash_port=""
pick_port pg_port ""
pick_port dash_port ""
dash_pid=""
cleanup() {
  [[ -n $dash_pid ]] && stop_pid "$dash_pid" 5
  if [[ ${KEEP:-0} != 1 ]]; then
    "$repo/scripts/postgres-stop.sh" "$work/pg" >/dev/null 2>&1 || true
    rm -rf "$work"
  fi
}
trap cleanup EXIT

log "starting PostgreSQL on 127.0.0.1:$pg_port"
"$repo/scripts/postgres-start.sh" "$work/pg" "$pg_port" >"$work/postgres-start.log" 2>&1 ||
  { cat "$work/postgres-start.log" >&2; die "PostgreSQL did not start"; }
uri="postgresql://floodgate:floodgate@127.0.0.1:$pg_port/floodgate"

log "loading $events events (bench/dashboard_load.sh)"
load_start=$SECONDS
"$repo/bench/dashboard_load.sh" "$uri" "$events" 24 >"$work/load.log" 2>&1 ||
  { cat "$work/load.log" >&2; die "loading failed"; }
log "loaded in $((SECONDS - load_start)) s: $(grep -A2 'rollup_rows' "$work/load.log" | tail -1 | tr -s ' ')"

cat >"$work/routes.yaml" <<YAML
analytics:
  postgres: "$uri"
dashboard:
  listen: "127.0.0.1:$dash_port"
upstreams:
  backend:
    servers: ["127.0.0.1:9"]
routes:
  - name: all
    path: /
    upstream: backend
YAML
"$dashboard_bin" --config "$work/routes.yaml" >"$work/dashboard.log" 2>&1 &
dash_pid=$!
wait_for_http "http://127.0.0.1:$dash_port/health" 20 || { cat "$work/dashboard.log" >&2; die "dashboard did not start"; }

# time_ms PATH: median of 5 curl time_total values in ms, after one warm-up request.
time_ms() {
  local url="http://127.0.0.1:$dash_port$1" samples=() code
  curl -s -o /dev/null --max-time 30 "$url"
  for _ in 1 2 3 4 5; do
    read -r code t < <(curl -s -o /dev/null --max-time 30 -w '%{http_code} %{time_total}\n' "$url")
    [[ $code == 200 ]] || die "$1 answered $code"
    samples+=("$(awk -v t="$t" 'BEGIN { printf "%.1f", t * 1000 }')")
  done
  median "${samples[@]}"
}

echo
echo "decision_events: $events rows over 24 h; median of 5 (ms), curl time_total on loopback;"
echo "load average at the start of the timing: $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
echo
echo "| endpoint | window=1h | window=6h | window=24h |"
echo "| --- | ---: | ---: | ---: |"
# row LABEL PREFIX: one table row, PREFIX being the path and query before window=.
row() {
  echo "| $1 | $(time_ms "${2}window=1h") | $(time_ms "${2}window=6h") | $(time_ms "${2}window=24h") |"
}
row "/api/summary" "/api/summary?"
row "/api/routes" "/api/routes?"
row "/api/top-blocked?limit=10" "/api/top-blocked?limit=10&"
row "/api/timeseries?step=1m" "/api/timeseries?step=1m&"
echo "| /health | $(time_ms /health) | | |"
if [[ ${KEEP:-0} == 1 ]]; then
  log "kept: $uri (data in $work/pg; stop with scripts/postgres-stop.sh $work/pg)"
fi
