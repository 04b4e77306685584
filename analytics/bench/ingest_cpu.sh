#!/usr/bin/env bash
# CPU per 1,000 events of the analytics write path alone (recorder, PostgreSQL sink,
# PostgreSQL), without a gateway or HTTP load: starts a throwaway PostgreSQL cluster with
# schema/schema.sql and runs floodgate-analytics-ingest against it `runs` times.
#
#   analytics/bench/ingest_cpu.sh [events=500000] [rate=40000] [runs=3] [profile=bench]
#
# Env: INGEST_BIN (default build/bin/floodgate-analytics-ingest), BATCH_SIZE (1000),
# EXTRA_SQL (run after the schema), PERF=1 (perf record -a -g during the last run, report
# of the postgres processes in the temp dir, which is then kept), KEEP=1 (keep the temp dir).
set -euo pipefail

events=${1:-500000}
rate=${2:-40000}
runs=${3:-3}
profile=${4:-bench}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ingest_bin=${INGEST_BIN:-$repo/build/bin/floodgate-analytics-ingest}
# shellcheck disable=SC2034 # read by log() in common.sh
FLOODGATE_LOG_TAG=ingest-cpu
# shellcheck source=../../scripts/lib/common.sh
source "$repo/scripts/lib/common.sh"

[[ -x $ingest_bin ]] || die "$ingest_bin not built"
work=$(mktemp -d /tmp/floodgate-ingest.XXXXXX)
chmod 755 "$work"
[[ ${PERF:-0} == 1 ]] && KEEP=1
cleanup() {
  "$repo/scripts/postgres-stop.sh" "$work/pg" >/dev/null 2>&1 || true
  [[ ${KEEP:-0} == 1 ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT

pg_port=""
pick_port pg_port
"$repo/scripts/postgres-start.sh" "$work/pg" "$pg_port" >"$work/pg-start.log" 2>&1 ||
  { cat "$work/pg-start.log" >&2; die "PostgreSQL did not start"; }
uri="postgresql://floodgate:floodgate@127.0.0.1:$pg_port/floodgate"
[[ -z ${EXTRA_SQL:-} ]] || psql -X -q -v ON_ERROR_STOP=1 "$uri" -c "$EXTRA_SQL"
postmaster=$(head -1 "$work/pg/postmaster.pid")

log "$events events at ${rate}/s (0 = as fast as possible), profile $profile, $(nproc) cores," \
  "load average $(cut -d' ' -f1 /proc/loadavg)"
for ((i = 1; i <= runs; ++i)); do
  perf_pid=""
  if [[ ${PERF:-0} == 1 && $i == "$runs" ]]; then
    # System-wide: the backend serving the run is forked after perf starts.
    perf record -q -a -e cpu-clock -g -o "$work/perf.data" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  "$ingest_bin" --postgres "$uri" --postmaster "$postmaster" --events "$events" --rate "$rate" \
    --profile "$profile" --batch-size "${BATCH_SIZE:-1000}"
  if [[ -n $perf_pid ]]; then
    kill -INT "$perf_pid"
    wait "$perf_pid" || true
    perf report -i "$work/perf.data" --comm postgres --no-children --percent-limit 0.5 --stdio \
      >"$work/perf-report.txt" 2>/dev/null || true
    echo "perf report: $work/perf-report.txt"
  fi
done
