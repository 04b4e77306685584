#!/usr/bin/env bash
# bench/lib.sh, the arithmetic behind the benchmark tables: medians, ratios, Prometheus
# sums and quantiles, and the CPU-per-request figures read from /proc (a process that
# burns CPU shows it, a PID that is gone counts 0, ticks turn into µs per request).
# Usage: bench_lib_test.sh SOURCE_DIR
set -euo pipefail
# shellcheck source=bench/lib.sh
source "$1/bench/lib.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { [[ "$2" == "$3" ]] || fail "$1: expected '$3', got '$2'"; }

expect "median odd" "$(median 3 1 2)" 2
expect "median even" "$(median 4 1 3 2)" 2.5
expect "median none" "$(median)" nan
expect "ratio" "$(ratio 1 3)" 0.33
expect "ratio by zero" "$(ratio 1 0)" -
expect "ratio missing" "$(ratio "" 3)" -
expect "rotated 0" "$(rotated 0 a b c | paste -sd,)" a,b,c
expect "rotated 1" "$(rotated 1 a b c | paste -sd,)" b,c,a
expect "rotated wraps" "$(rotated 5 a b c | paste -sd,)" c,a,b
expect "rotated none" "$(rotated 2)" ""

metrics=$(mktemp)
trap 'rm -f "$metrics"' EXIT
cat >"$metrics" <<'PROM'
# HELP floodgate_requests_total Requests by route and limiter decision.
floodgate_requests_total{route="a",decision="allowed"} 7
floodgate_requests_total{route="b",decision="fail_open"} 2
floodgate_requests_total_other 100
floodgate_limiter_duration_seconds_bucket{le="0.001"} 50
floodgate_limiter_duration_seconds_bucket{le="0.002"} 100
floodgate_limiter_duration_seconds_bucket{le="+Inf"} 100
PROM
expect "metric_sum all" "$(metric_sum "$metrics" floodgate_requests_total)" 9
expect "metric_sum label" "$(metric_sum "$metrics" floodgate_requests_total 'decision="fail_open"')" 2
expect "metric_sum absent" "$(metric_sum "$metrics" nothing_here)" 0
# Rank 99 of 100 lies in the (1 ms, 2 ms] bucket, 49/50 of the way: 1.98 ms.
expect "histogram p99" "$(histogram_quantile "$metrics" floodgate_limiter_duration_seconds 0.99)" 1.980

# histogram_delta: the observations between two snapshots; here 40 of the 50 new ones
# fall under 1 ms, so the p50 is in the first bucket, the p99 in the second.
later=$(mktemp)
trap 'rm -f "$metrics" "$later"' EXIT
cat >"$later" <<'PROM'
floodgate_limiter_duration_seconds_bucket{le="0.001"} 90
floodgate_limiter_duration_seconds_bucket{le="0.002"} 150
floodgate_limiter_duration_seconds_bucket{le="+Inf"} 150
PROM
delta=$(histogram_delta "$metrics" "$later" floodgate_limiter_duration_seconds)
expect "histogram_delta" "$(echo "$delta" | awk '{ print $NF }' | tr '\n' ' ')" "40 50 50 "
expect "delta p50" "$(histogram_quantile <(echo "$delta") floodgate_limiter_duration_seconds 0.5)" 0.625
expect "delta p99" "$(histogram_quantile <(echo "$delta") floodgate_limiter_duration_seconds 0.99)" 1.950

# per_request_us: ticks of 1/CLK_TCK s over requests, in µs to one decimal.
hz=$(getconf CLK_TCK)
expect "per_request_us" "$(per_request_us "$hz" 1000000)" 1.0
expect "per_request_us none" "$(per_request_us 5 0)" -

# cpu_ticks: a busy child's ticks grow by about its CPU time; a gone PID counts 0, and
# several PIDs add up.
bash -c 'end=$((SECONDS + 10)); while ((SECONDS < end)); do :; done' &
busy=$!
before=$(cpu_ticks "$busy")
# Waits for 5 ticks of CPU (~50 ms) however loaded the machine is, up to 5 s.
for _ in $(seq 50); do
  sleep 0.1
  after=$(cpu_ticks "$busy")
  ((after - before < 5)) || break
done
both=$(cpu_ticks "$busy" "$busy")
kill "$busy"
wait "$busy" 2>/dev/null || true
((after - before >= 5)) || fail "cpu_ticks: a spinning process gained $((after - before)) ticks in 5 s"
((both >= 2 * after)) || fail "cpu_ticks: two PIDs gave $both, one gave $after"
expect "cpu_ticks gone" "$(cpu_ticks "$busy")" 0
expect "cpu_ticks none" "$(cpu_ticks)" 0

# machine_ticks: two counters (busy, idle) that only grow.
read -r busy1 idle1 <<<"$(machine_ticks)"
sleep 0.2
read -r busy2 idle2 <<<"$(machine_ticks)"
[[ "$busy1 $idle1" =~ ^[0-9]+\ [0-9]+$ ]] || fail "machine_ticks: '$busy1 $idle1'"
((busy2 >= busy1 && idle2 >= idle1 && busy2 + idle2 > busy1 + idle1)) ||
  fail "machine_ticks did not grow: $busy1 $idle1 -> $busy2 $idle2"
echo "bench/lib.sh: all checks passed"
