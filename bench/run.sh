#!/usr/bin/env bash
# floodgate benchmark: one run, every target interleaved round-robin, medians reported.
#
#   (a) direct      the backend itself (NGINX `return 200`, the fastest backend here)
#   (b) nginx       NGINX proxy_pass with upstream keep-alive
#   (c) limit_req   NGINX proxy_pass + limit_req (rate high enough that nothing is denied)
#   (d) fg-memory   floodgate, one token-bucket limit in process memory
#   (e) fg-redis-1  floodgate, one token-bucket limit in Redis
#   (f) fg-redis-2  floodgate, a route with two limits in Redis (still one EVALSHA)
#   (g) nginx-lua   NGINX + Lua making one EVALSHA per request against the same Redis
#   (h) fg-analytics  (d) with every decision written to PostgreSQL (analytics' cost,
#                   and whether it keeps up: dropped events and rows vs requests)
#   (i) fg-memory-blocked  floodgate, memory store, a limit of 1 per hour: after the first
#                   request every request from wrk's one IP is a 429 (blocked-key flood)
#   (j) fg-redis-blocked   the same in Redis: denials come from the denial cache, so the
#                   throughput should be (i)'s and the EVALSHA count ~0
#
# Each round runs every target in turn, the order rotated by one from round to round, and
# warms each target with --warmup seconds of the same load just before its measured run
# (a target's process has been idle while the others ran).
# Throughput: wrk -t2 -cC -dDs --latency per target per round. Latency at a fixed
# 2,000 req/s: h2load --h1 -c4 --rps 500 -D 10 per target per round. Also checks, for
# the Redis targets, EVALSHA calls per request (INFO commandstats) and, for floodgate,
# the limiter's p99 and fail_open count from /metrics: a run that failed open, or got
# any non-2xx answer, is marked INVALID (for (i) and (j): any answer but 429, or any
# decision but blocked). Loopback only; every server is stopped by PID.
#
# Options: --rounds N (3) --duration S (10) --connections C (64) --workers W (1: NGINX
# workers = floodgate threads) --fixed-rounds N (2, 0 skips the fixed-rate part) --warmup S
# (1, 0 for none; every number is a whole number)
# --targets a,b,... (names above) --quick (1 round of 3 s, for a smoke test)
# --write-docs (put the table between the benchmark markers of README.md and docs/benchmark.md).
# Results: bench/results/<timestamp>/ (raw output, table.md). Needs scripts/install-deps.sh --bench.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh
export FLOODGATE_LOG_TAG=bench

rounds=3 duration=10 connections=64 workers=1 fixed_rounds=2 warmup=1 write_docs=0
targets="direct,nginx,limit_req,fg-memory,fg-redis-1,fg-redis-2,nginx-lua,fg-analytics"
targets+=",fg-memory-blocked,fg-redis-blocked"
while (($#)); do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --duration) duration="$2"; shift ;;
    --connections) connections="$2"; shift ;;
    --workers) workers="$2"; shift ;;
    --fixed-rounds) fixed_rounds="$2"; shift ;;
    --warmup) warmup="$2"; shift ;;
    --targets) targets="$2"; shift ;;
    --quick) rounds=1 duration=3 fixed_rounds=1 ;;
    --write-docs) write_docs=1 ;;
    -h | --help) sed -n '2,33p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
for option in rounds duration connections workers fixed_rounds warmup; do
  [[ "${!option}" =~ ^[0-9]+$ ]] || die "--${option//_/-} takes a whole number, not '${!option}'"
done
IFS=, read -r -a target_list <<<"$targets"
# The NGINX+Lua peer comes from bench/nginx-lua-redis/nginx.conf.in (placeholders
# @WORK@ @WORKERS@ @BACKEND_PORT@ @LISTEN_PORT@ @REDIS_PORT@ @LUA_DIR@); without it
# the target is left out and the table says so.
skipped_note=""
if [[ ",$targets," == *,nginx-lua,* && ! -f bench/nginx-lua-redis/nginx.conf.in ]]; then
  skipped_note="nginx-lua: not run (bench/nginx-lua-redis/nginx.conf.in missing)."
  targets="${targets/nginx-lua/}" && targets="${targets//,,/,}" && targets="${targets#,}" && targets="${targets%,}"
  IFS=, read -r -a target_list <<<"$targets"
fi

build_dir="${FLOODGATE_BUILD_DIR:-build}"
floodgate_bin="$build_dir/bin/floodgate"
[[ "$build_dir" == /* ]] || floodgate_bin="$repo_root/$floodgate_bin"
for tool in wrk h2load nginx redis-server redis-cli curl; do
  command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh --bench"
done

load_before="$(cut -d' ' -f1 /proc/loadavg)"
results="$repo_root/bench/results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
# NGINX workers drop to `nobody` when we are root: they must be able to read the
# Lua files and write the temp paths under the work dir.
work="$(mktemp -d /tmp/floodgate-bench.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/tmp" && chmod 777 "$work/tmp"

pids=()
pg_data=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid" 5; done
  [[ -z "$pg_data" ]] || scripts/postgres-stop.sh "$pg_data" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# render TEMPLATE OUT VAR=VALUE...: copies TEMPLATE replacing each @VAR@.
render() {
  local template="$1" out="$2" pair args=()
  shift 2
  for pair in "$@"; do args+=(-e "s|@${pair%%=*}@|${pair#*=}|g"); done
  sed "${args[@]}" "$template" >"$out"
}

# spawn NAME CMD...: a server in the background, logged under the results dir.
declare -A spawned  # NAME -> PID
spawn() {
  local name="$1"
  shift
  "$@" >"$results/$name.log" 2>&1 </dev/null &
  pids+=($!)
  spawned[$name]=$!
}

has_target() { [[ ",$targets," == *",$1,"* ]]; }
needs_redis() {
  has_target fg-redis-1 || has_target fg-redis-2 || has_target nginx-lua || has_target fg-redis-blocked
}
# The blocked-key flood targets: every measured request must be a 429 from a blocked decision.
expects_429() { [[ "$1" == *-blocked ]]; }

backend_port="" proxy_port="" limit_req_port="" memory_port="" redis_port=""
redis1_port="" redis2_port="" lua_port="" analytics_port="" pg_port=""
memory_blocked_port="" redis_blocked_port=""
pick_port backend_port
pick_port proxy_port
pick_port limit_req_port
pick_port memory_port
pick_port redis_port
pick_port redis1_port
pick_port redis2_port
pick_port lua_port
pick_port analytics_port
pick_port pg_port
pick_port memory_blocked_port
pick_port redis_blocked_port

# --- servers -------------------------------------------------------------------
cp bench/templates/nginx-forwarded.conf "$work/"
render bench/templates/nginx-backend.conf "$work/nginx-backend.conf" \
  WORK="$work" BACKEND_PORT="$backend_port" BACKEND_WORKERS="$workers"
spawn nginx-backend nginx -p "$work" -c "$work/nginx-backend.conf" -g "daemon off;"
wait_for_port "$backend_port" 10 || die "backend NGINX did not start (see $results/nginx-backend.log)"

if has_target nginx || has_target limit_req; then
  render bench/templates/nginx-proxy.conf "$work/nginx-proxy.conf" WORK="$work" \
    WORKERS="$workers" BACKEND_PORT="$backend_port" PROXY_PORT="$proxy_port" \
    LIMIT_REQ_PORT="$limit_req_port"
  spawn nginx-proxy nginx -p "$work" -c "$work/nginx-proxy.conf" -g "daemon off;"
  wait_for_port "$proxy_port" 10 || die "proxy NGINX did not start (see $results/nginx-proxy.log)"
fi

if needs_redis; then
  spawn redis redis-server --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no \
    --dir "$work"
  wait_for_port "$redis_port" 10 || die "redis-server did not start"
fi

postgres_dsn="postgresql://floodgate:floodgate@127.0.0.1:$pg_port/floodgate"
if has_target fg-analytics; then
  pg_data="$work/postgres"
  scripts/postgres-start.sh "$pg_data" "$pg_port" >"$results/postgres-start.log" 2>&1 ||
    die "PostgreSQL did not start (see $results/postgres-start.log)"
fi

start_floodgate() { # NAME PORT_VARIABLE TEMPLATE
  [[ -x "$floodgate_bin" ]] || die "$floodgate_bin missing: run scripts/build.sh"
  local try port
  # A port found free can still be taken before we bind it (other load on the
  # machine uses the same range for outgoing connections): then pick another.
  for try in 1 2 3; do
    port="${!2}"
    BENCH_LISTEN_PORT="$port" BENCH_WORKERS="$workers" BENCH_BACKEND_PORT="$backend_port" \
      BENCH_REDIS_PORT="$redis_port" BENCH_POSTGRES="$postgres_dsn" \
      spawn "$1" "$floodgate_bin" --config "bench/templates/$3"
    wait_for_http "http://127.0.0.1:$port/health" 20 "${pids[-1]}" && return 0
    grep -q "Address already in use" "$results/$1.log" || break
    log "$1: port $port was taken (try $try); picking another"
    pick_port "$2"
  done
  die "$1 did not start (see $results/$1.log)"
}
has_target fg-memory && start_floodgate fg-memory memory_port floodgate-memory.yaml
has_target fg-redis-1 && start_floodgate fg-redis-1 redis1_port floodgate-redis.yaml
has_target fg-redis-2 && start_floodgate fg-redis-2 redis2_port floodgate-redis.yaml
has_target fg-analytics && start_floodgate fg-analytics analytics_port floodgate-analytics.yaml
has_target fg-memory-blocked &&
  start_floodgate fg-memory-blocked memory_blocked_port floodgate-memory-blocked.yaml
has_target fg-redis-blocked && start_floodgate fg-redis-blocked redis_blocked_port floodgate-redis.yaml

if has_target nginx-lua; then
  # The distributed peer, written with the Redis store (bench/nginx-lua-redis/).
  lua_dir="$repo_root/bench/nginx-lua-redis"
  render "$lua_dir/nginx.conf.in" "$work/nginx-lua.conf" WORK="$work" WORKERS="$workers" \
    BACKEND_PORT="$backend_port" LISTEN_PORT="$lua_port" REDIS_PORT="$redis_port" \
    LUA_DIR="$lua_dir"
  spawn nginx-lua nginx -p "$work" -c "$work/nginx-lua.conf" -g "daemon off;"
  wait_for_port "$lua_port" 10 || die "NGINX+Lua did not start (see $results/nginx-lua.log)"
fi

url_of() {
  case "$1" in
    direct) echo "http://127.0.0.1:$backend_port/" ;;
    nginx) echo "http://127.0.0.1:$proxy_port/" ;;
    limit_req) echo "http://127.0.0.1:$limit_req_port/" ;;
    fg-memory) echo "http://127.0.0.1:$memory_port/" ;;
    fg-redis-1) echo "http://127.0.0.1:$redis1_port/one" ;;
    fg-redis-2) echo "http://127.0.0.1:$redis2_port/two" ;;
    nginx-lua) echo "http://127.0.0.1:$lua_port/" ;;
    fg-analytics) echo "http://127.0.0.1:$analytics_port/" ;;
    fg-memory-blocked) echo "http://127.0.0.1:$memory_blocked_port/blocked" ;;
    fg-redis-blocked) echo "http://127.0.0.1:$redis_blocked_port/blocked" ;;
    *) die "unknown target '$1'" ;;
  esac
}
uses_redis() { [[ "$1" == fg-redis-* || "$1" == nginx-lua ]]; }
floodgate_port() {
  case "$1" in
    fg-memory) echo "$memory_port" ;; fg-redis-1) echo "$redis1_port" ;;
    fg-redis-2) echo "$redis2_port" ;; fg-analytics) echo "$analytics_port" ;;
    fg-memory-blocked) echo "$memory_blocked_port" ;; fg-redis-blocked) echo "$redis_blocked_port" ;;
  esac
}
# Where the CPU goes: the processes serving each target (an NGINX's workers, which its
# master forks; floodgate itself), the backend's workers and Redis.
workers_of() { pgrep -P "$1" | tr '\n' ' ' || true; }
serving_pids() {
  case "$1" in
    direct) echo "" ;;
    nginx | limit_req) workers_of "${spawned[nginx-proxy]}" ;;
    nginx-lua) workers_of "${spawned[nginx-lua]}" ;;
    *) echo "${spawned[$1]}" ;;
  esac
}
backend_pids=$(workers_of "${spawned[nginx-backend]}")
# PostgreSQL's processes (the postmaster and its children: the writer's backend, the WAL
# writer, the checkpointer...), read afresh each time: backends come and go.
postgres_pids() {
  [[ -n "$pg_data" && -f "$pg_data/postmaster.pid" ]] || return 0
  local postmaster
  postmaster=$(head -n1 "$pg_data/postmaster.pid")
  echo "$postmaster $(workers_of "$postmaster")"
}
# cpu_snapshot SERVER_PIDS: "server redis backend postgres machine-busy machine-idle" ticks
# so far.
cpu_snapshot() {
  # shellcheck disable=SC2086,SC2046 # PID lists
  echo "$(cpu_ticks $1) $(cpu_ticks ${spawned[redis]:-}) $(cpu_ticks $backend_pids)" \
    "$(cpu_ticks $(postgres_pids)) $(machine_ticks)"
}

# decisions TARGET [LABEL_MATCH]: floodgate_requests_total of that floodgate, e.g. 'decision="blocked"'.
decisions() {
  curl -fsS "http://127.0.0.1:$(floodgate_port "$1")/metrics" | metric_sum /dev/stdin floodgate_requests_total "${2:-}"
}

# --- throughput ------------------------------------------------------------------
log "results in $results; warming up"
for t in "${target_list[@]}"; do
  wrk -t2 -c"$connections" -d2s "$(url_of "$t")" >"$results/warmup-$t.txt" 2>&1 ||
    die "warm-up of $t failed"
done

# wait_for_analytics SECONDS: until fg-analytics has written (or dropped) every event it
# decided, or SECONDS pass; sets decided, written and dropped from its /metrics.
wait_for_analytics() {
  local metrics="$results/metrics-fg-analytics-final.txt" deadline=$((SECONDS + $1))
  while :; do
    curl -fsS "http://127.0.0.1:$analytics_port/metrics" >"$metrics"
    decided=$(metric_sum "$metrics" floodgate_requests_total)
    written=$(metric_sum "$metrics" floodgate_analytics_events_total 'outcome="written"')
    dropped=$(metric_sum "$metrics" floodgate_analytics_events_total 'outcome="dropped"')
    ((written + dropped < decided && SECONDS < deadline)) || break
    sleep 0.2
  done
}

declare -A rps p50 p99 non2xx evalsha_ratio evalsha_total
declare -A served cpu  # summed over the rounds; cpu[TARGET,i] = cpu_snapshot's field i
for ((round = 1; round <= rounds; round++)); do
  mapfile -t round_targets < <(rotated $((round - 1)) "${target_list[@]}")
  for t in "${round_targets[@]}"; do
    out="$results/wrk-$t-round$round.txt"
    if ((warmup > 0)); then
      wrk -t2 -c"$connections" -d"${warmup}s" "$(url_of "$t")" >"$results/warmup-$t-round$round.txt" 2>&1 ||
        die "warm-up of $t failed"
      # The warm-up's events must not reach PostgreSQL inside the measured window.
      [[ "$t" != fg-analytics ]] || wait_for_analytics 10
    fi
    uses_redis "$t" && redis-cli -p "$redis_port" CONFIG RESETSTAT >/dev/null
    if expects_429 "$t"; then
      decided_before=$(decisions "$t")
      blocked_before=$(decisions "$t" 'decision="blocked"')
    fi
    server_pids=$(serving_pids "$t")
    read -r -a cpu_before <<<"$(cpu_snapshot "$server_pids")"
    wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/wrk-report.lua \
      "$(url_of "$t")" >"$out" 2>&1 || die "wrk against $t failed (see $out)"
    read -r -a cpu_after <<<"$(cpu_snapshot "$server_pids")"
    if [[ "$t" == fg-analytics ]]; then
      # The round's last events reach PostgreSQL after wrk stops (flush_interval): its
      # CPU is read once the writer has caught up, so every event's cost is counted.
      wait_for_analytics 10
      # shellcheck disable=SC2046 # PID list
      cpu_after[3]=$(cpu_ticks $(postgres_pids))
    fi
    for i in "${!cpu_after[@]}"; do
      cpu[$t,$i]=$((${cpu[$t,$i]:-0} + cpu_after[i] - cpu_before[i]))
    done
    requests=$(bench_field "$out" requests)
    served[$t]=$((${served[$t]:-0} + requests))
    rps[$t]+="$(bench_field "$out" rps) "
    p50[$t]+="$(bench_field "$out" p50_us) "
    p99[$t]+="$(bench_field "$out" p99_us) "
    bad=$(bench_field "$out" socket_errors)
    if expects_429 "$t"; then
      # wrk only counts non-2xx answers; /metrics says what they were. Every answer must
      # be non-2xx, every decision of the round a block (deny_status 429), and floodgate
      # must have blocked at least as many requests as wrk got answers (it may count a
      # few that were in flight when wrk stopped).
      decided=$(($(decisions "$t") - decided_before))
      blocked=$(($(decisions "$t" 'decision="blocked"') - blocked_before))
      echo "decisions=$decided blocked=$blocked" >>"$out"
      bad=$((bad + requests - $(bench_field "$out" non2xx) + decided - blocked))
      ((blocked >= requests)) || bad=$((bad + requests - blocked))
    else
      bad=$((bad + $(bench_field "$out" non2xx)))
    fi
    non2xx[$t]=$((${non2xx[$t]:-0} + bad))
    if uses_redis "$t"; then
      calls=$(redis_calls "$redis_port" evalsha)
      echo "evalsha_calls=$calls requests=$requests" >>"$out"
      evalsha_ratio[$t]+="$(ratio "$calls" "$requests") "
      evalsha_total[$t]=$((${evalsha_total[$t]:-0} + calls))
    fi
    log "round $round/$rounds $t: $(bench_field "$out" rps) req/s"
  done
done

# Limiter decision latency and fail-open count, from each floodgate's own /metrics.
declare -A limiter_p99 fail_open
for t in fg-memory fg-redis-1 fg-redis-2 fg-analytics fg-memory-blocked fg-redis-blocked; do
  has_target "$t" || continue
  curl -fsS "http://127.0.0.1:$(floodgate_port "$t")/metrics" >"$results/metrics-$t.txt"
  limiter_p99[$t]=$(histogram_quantile "$results/metrics-$t.txt" floodgate_limiter_duration_seconds 0.99)
  fail_open[$t]=$(metric_sum "$results/metrics-$t.txt" floodgate_requests_total 'decision="fail_open"')
done

# --- fixed rate: 4 connections x 500 req/s = 2,000 req/s -----------------------------
declare -A fixed_p50 fixed_p99 fixed_limiter_p99
for ((round = 1; round <= fixed_rounds; round++)); do
  mapfile -t round_targets < <(rotated $((round - 1)) "${target_list[@]}")
  for t in "${round_targets[@]}"; do
    log_file="$results/h2load-$t-round$round.log"
    h2load --h1 -c4 --rps 500 -D 10 --log-file="$log_file" "$(url_of "$t")" \
      >"$results/h2load-$t-round$round.txt" 2>&1 || die "h2load against $t failed"
    fixed_p50[$t]+="$(h2load_latency "$log_file" 0.50) "
    fixed_p99[$t]+="$(h2load_latency "$log_file" 0.99) "
    expected=2xx
    expects_429 "$t" && expected=429
    non2xx[$t]=$((${non2xx[$t]:-0} + $(h2load_unexpected "$log_file" "$expected")))
    log "fixed-rate round $round/$fixed_rounds $t: p50 $(h2load_latency "$log_file" 0.50) ms"
  done
done
# The limiter's p99 over the fixed-rate rounds alone: each floodgate's histogram now,
# less the snapshot taken after the throughput rounds (nothing else sends it requests).
if ((fixed_rounds > 0)); then
  for t in "${!limiter_p99[@]}"; do
    curl -fsS "http://127.0.0.1:$(floodgate_port "$t")/metrics" >"$results/metrics-$t-fixed.txt"
    histogram_delta "$results/metrics-$t.txt" "$results/metrics-$t-fixed.txt" \
      floodgate_limiter_duration_seconds >"$results/limiter-$t-fixed.txt"
    fixed_limiter_p99[$t]=$(histogram_quantile "$results/limiter-$t-fixed.txt" floodgate_limiter_duration_seconds 0.99)
  done
fi

med() { local v; read -r -a v <<<"$1"; ((${#v[@]})) && median "${v[@]}" || echo nan; }

# --- analytics: did every decision reach PostgreSQL? ------------------------------
analytics_line=""
if has_target fg-analytics; then
  wait_for_analytics 30
  rows=$(psql -X -At "$postgres_dsn" -c "SELECT count(*) FROM decision_events WHERE gateway_id = 'bench-analytics'")
  analytics_line="Analytics (fg-analytics): $decided decisions, $written written, $dropped dropped,"
  analytics_line+=" $rows rows in decision_events; throughput $(ratio "$(med "${rps[fg-analytics]}")" \
    "$(med "${rps[fg-memory]:-}")") × fg-memory (analytics off)."
  if ((dropped != 0 || rows != decided)); then analytics_line+=" INVALID: events lost."; fi
fi

# --- blocked-key flood: does a denied client cost Redis nothing? -------------------
blocked_line=""
if has_target fg-memory-blocked && has_target fg-redis-blocked; then
  memory_blocked_rps=$(med "${rps[fg-memory-blocked]}")
  redis_blocked_rps=$(med "${rps[fg-redis-blocked]}")
  blocked_line="Blocked-key flood (one IP over its limit, every answer a 429): fg-memory-blocked"
  blocked_line+=" $(printf '%.0f' "$memory_blocked_rps") req/s, fg-redis-blocked"
  blocked_line+=" $(printf '%.0f' "$redis_blocked_rps") req/s, ratio redis / memory"
  blocked_line+=" $(ratio "$redis_blocked_rps" "$memory_blocked_rps");"
  blocked_line+=" EVALSHA calls during the $rounds measured rounds: ${evalsha_total[fg-redis-blocked]:-0}."
fi

# --- report ----------------------------------------------------------------------
us_to_ms() { awk -v v="$1" 'BEGIN { if (v == "nan") print "-"; else printf "%.2f\n", v / 1000 }'; }
direct_rps=$(med "${rps[direct]:-}")
nginx_rps=$(med "${rps[nginx]:-}")
direct_fixed_p50=$(med "${fixed_p50[direct]:-}")
direct_fixed_p99=$(med "${fixed_p99[direct]:-}")
added() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || a == "" || b == "") print "-"; else printf "%+.2f\n", a - b }'; }

table="$results/table.md"
{
  echo "| target | req/s | p50 ms | p99 ms | × nginx (b) | × direct (a) | 2k req/s p50 / p99 ms (added vs a) | evalsha/req | limiter p99 ms (saturation / 2k req/s) | fail_open | valid |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |"
  for t in "${target_list[@]}"; do
    r=$(med "${rps[$t]}")
    fp50=$(printf '%.3f' "$(med "${fixed_p50[$t]:-}")")
    fp99=$(printf '%.3f' "$(med "${fixed_p99[$t]:-}")")
    fixed="-"
    if ((fixed_rounds > 0)); then
      fixed="$fp50 / $fp99 ($(added "$fp50" "$direct_fixed_p50") / $(added "$fp99" "$direct_fixed_p99"))"
    fi
    valid=yes
    if expects_429 "$t"; then
      ((${non2xx[$t]:-0} == 0)) || valid="INVALID: ${non2xx[$t]} non-429/not blocked/errors"
    else
      ((${non2xx[$t]:-0} == 0)) || valid="INVALID: ${non2xx[$t]} non-2xx/errors"
    fi
    [[ "${fail_open[$t]:-0}" == 0 ]] || valid="INVALID: ${fail_open[$t]} fail_open"
    printf '| %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$r" \
      "$(us_to_ms "$(med "${p50[$t]}")")" "$(us_to_ms "$(med "${p99[$t]}")")" \
      "$(ratio "$r" "$nginx_rps")" "$(ratio "$r" "$direct_rps")" "$fixed" \
      "$(med "${evalsha_ratio[$t]:-}" | sed 's/^nan$/-/')" "${limiter_p99[$t]:--}${fixed_limiter_p99[$t]:+ / ${fixed_limiter_p99[$t]}}" "${fail_open[$t]:--}" "$valid"
  done
  echo
  echo "Where the CPU goes under that load (all rounds; µs of CPU per request from /proc, user +"
  echo "system; the kernel's loopback TCP work is mostly in the sending process's system time):"
  echo
  echo "| target | proxy µs/req | Redis µs/req | PostgreSQL µs/req | backend µs/req | machine idle |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for t in "${target_list[@]}"; do
    proxy_us=$(per_request_us "${cpu[$t,0]}" "${served[$t]}")
    [[ "$t" != direct ]] || proxy_us="-"
    redis_us="-" postgres_us="-"
    uses_redis "$t" && redis_us=$(per_request_us "${cpu[$t,1]}" "${served[$t]}")
    [[ "$t" != fg-analytics ]] || postgres_us=$(per_request_us "${cpu[$t,3]}" "${served[$t]}")
    printf '| %s | %s | %s | %s | %s | %s |\n' "$t" "$proxy_us" "$redis_us" "$postgres_us" \
      "$(per_request_us "${cpu[$t,2]}" "${served[$t]}")" \
      "$(awk -v b="${cpu[$t,4]}" -v i="${cpu[$t,5]}" 'BEGIN { if (b + i > 0) printf "%.0f%%\n", 100 * i / (b + i); else print "-" }')"
  done
  echo
  [[ -z "$analytics_line" ]] || { echo "$analytics_line"; echo; }
  [[ -z "$blocked_line" ]] || { echo "$blocked_line"; echo; }
  [[ -z "$skipped_note" ]] || { echo "$skipped_note"; echo; }
  echo "Machine: $(nproc) cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)," \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo); $(date -u +%Y-%m-%d);" \
    "load average before the run: $load_before (other work on the machine skews every target)."
  echo "Command: bench/run.sh --rounds $rounds --duration $duration --connections $connections" \
    "--workers $workers --fixed-rounds $fixed_rounds --warmup $warmup (wrk -t2 -c$connections -d${duration}s;" \
    "h2load --h1 -c4 --rps 500 -D 10); medians of $rounds interleaved rounds."
} >"$table"
cat "$table"

# The table replaces whatever stood between <!-- benchmark:begin/end --> in the docs (one
# worker), or <!-- benchmark-workers-N:begin/end --> for --workers N.
if ((write_docs)); then
  marker=benchmark
  ((workers == 1)) || marker="benchmark-workers-$workers"
  for doc in README.md docs/benchmark.md; do
    grep -q "<!-- $marker:begin -->" "$doc" || die "$doc has no <!-- $marker:begin --> marker"
    awk -v table="$table" -v begin="<!-- $marker:begin -->" -v end="<!-- $marker:end -->" '
      $0 == begin { print; while ((getline line < table) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip' "$doc" >"$doc.tmp" && mv "$doc.tmp" "$doc"
  done
  log "table written into README.md and docs/benchmark.md ($marker)"
fi
