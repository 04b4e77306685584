# shellcheck shell=bash
# Number crunching for bench/run.sh: medians, wrk's BENCH line, h2load logs and
# Prometheus histograms. Functions only; source it.

# median V...: the middle value (mean of the two middle ones for an even count).
median() {
  (($#)) || { echo nan; return; }  # printf would still print one empty line
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR + 1) / 2]; else printf "%.6g\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# rotated K V...: the values starting at the K-th (0-based, modulo their count), wrapping
# round. Round r of the benchmark runs its targets rotated by r - 1, so that no target
# always follows the same one (e.g. always runs first after the backend alone, or right
# after its own process was warmed by another target).
rotated() {
  local k=$1
  shift
  (($#)) || return 0
  k=$((k % $#))
  printf '%s\n' "${@:k+1}" "${@:1:k}"
}

# bench_field FILE KEY: KEY's value on the "BENCH ..." line that wrk-report.lua wrote.
bench_field() {
  awk -v key="$2" '$1 == "BENCH" { for (i = 2; i <= NF; i++) { split($i, kv, "=");
    if (kv[1] == key) { print kv[2]; exit } } }' "$1"
}

# h2load_latency LOG Q: the Q-quantile (0..1) of per-request latency in ms from an
# h2load --log-file (columns: start µs, status, duration µs), nearest-rank.
h2load_latency() {
  cut -f3 "$1" | sort -n | awk -v q="$2" '{ v[NR] = $1 } END {
    if (NR == 0) { print "nan"; exit }
    i = int(q * NR + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
    printf "%.3f\n", v[i] / 1000 }'
}

# h2load_unexpected LOG EXPECTED: how many requests in the log did not answer EXPECTED,
# either "2xx" (any 2xx status) or one status code (e.g. 429).
h2load_unexpected() {
  awk -F'\t' -v want="$2" '
    want == "2xx" && ($2 < 200 || $2 > 299) { n++ }
    want != "2xx" && $2 != want { n++ }
    END { print n + 0 }' "$1"
}

# metric_sum FILE NAME [LABEL_MATCH]: sum of every sample of NAME (exact series name)
# whose labels contain LABEL_MATCH, e.g. 'decision="fail_open"'. 0 when absent.
metric_sum() {
  awk -v name="$2" -v match_label="${3:-}" '
    $0 ~ /^#/ { next }
    { series = $1; base = series; sub(/\{.*/, "", base) }
    base == name && index(series, match_label) { s += $NF }
    END { printf "%.0f\n", s + 0 }' "$1"
}

# histogram_quantile FILE NAME Q: like PromQL's histogram_quantile over NAME_bucket
# (one unlabelled histogram), linear inside the bucket; result in milliseconds.
histogram_quantile() {
  awk -v name="$2_bucket" -v q="$3" '
    index($1, name "{") == 1 {
      le = $1; sub(/.*le="/, "", le); sub(/".*/, "", le)
      n++; bound[n] = (le == "+Inf") ? -1 : le + 0; count[n] = $NF + 0 }
    END {
      if (n == 0 || count[n] == 0) { print "nan"; exit }
      rank = q * count[n]; prev_b = 0; prev_c = 0
      for (i = 1; i <= n; i++) {
        if (count[i] >= rank) {
          if (bound[i] < 0) { printf ">%.3f\n", prev_b * 1000; exit }
          f = (count[i] > prev_c) ? (rank - prev_c) / (count[i] - prev_c) : 1
          printf "%.3f\n", (prev_b + (bound[i] - prev_b) * f) * 1000; exit }
        prev_b = bound[i]; prev_c = count[i] } }' "$1"
}

# histogram_delta BEFORE AFTER NAME: NAME's _bucket lines of AFTER with BEFORE's counts
# subtracted (the observations made between two /metrics snapshots), in the same format,
# for histogram_quantile. A bucket missing from BEFORE counts 0.
histogram_delta() {
  awk -v name="$3_bucket" '
    index($1, name "{") != 1 { next }
    FILENAME == ARGV[1] { before[$1] = $NF; next }
    { printf "%s %.0f\n", $1, $NF - before[$1] }' "$1" "$2"
}

# redis_calls PORT COMMAND: calls of COMMAND since the last CONFIG RESETSTAT.
redis_calls() {
  redis-cli -p "$1" INFO commandstats | tr -d '\r' |
    awk -F'[:=,]' -v cmd="cmdstat_$2" '$1 == cmd { print $3; found = 1 } END { if (!found) print 0 }'
}

# ratio A B: A/B to two decimals, or "-" when either is missing.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "nan" || b == "nan" || b == 0) print "-";
    else printf "%.2f\n", a / b }'
}

# cpu_ticks PID...: user + system CPU time those processes have used so far, in clock
# ticks (getconf CLK_TCK per second). A PID that is gone counts 0.
cpu_ticks() {
  local pid stat total=0 fields
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    # After "pid (comm) " (comm may hold spaces): state is field 3, utime 14, stime 15.
    read -r -a fields <<<"${stat##*) }"
    total=$((total + fields[11] + fields[12]))
  done
  echo "$total"
}

# machine_ticks: "busy idle" ticks of all CPUs so far (/proc/stat; iowait counts as idle,
# steal as neither: the host took it).
machine_ticks() {
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $5 + $6; exit }' /proc/stat
}

# per_request_us TICKS REQUESTS: CPU µs per request to one decimal, or "-".
per_request_us() {
  awk -v t="$1" -v n="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    if (t == "" || n == "" || n == 0) print "-"; else printf "%.1f\n", t * 1e6 / hz / n }'
}
