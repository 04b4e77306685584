#!/usr/bin/env bash
# The README's first-run walkthrough, as a script: each `run` line below is shown in
# README.md exactly as written here, and tests/e2e/walkthrough_test runs this script
# against a freshly started stack, so the README cannot drift from what works.
#
#   scripts/run-stack.sh && scripts/walkthrough.sh            try it yourself
#   scripts/walkthrough.sh --stop                             ...and stop the stack at the end
#   scripts/walkthrough.sh --print-markdown                   the commands, for the README
#
# Reads the ports run-stack.sh chose from $FLOODGATE_RUN_DIR/stack.env (default .run/).
# Needs the stack started from config/demo.yaml and nothing else sent to it yet
# (the counts it expects start from zero).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

mode=run stop=0
for arg in "$@"; do
  case "$arg" in
    --stop) stop=1 ;;
    --print-markdown) mode=markdown ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "walkthrough.sh: unknown option '$arg'" >&2; exit 2 ;;
  esac
done

# step TITLE: a heading. run 'COMMAND': shows and runs COMMAND, keeping its output in
# $out for the checks that follow (which are the test, and are not shown in the README).
steps=0
step() {
  ((steps++ == 0)) || echo
  if [[ $mode == markdown ]]; then printf '# %s\n' "$1"; else printf '\033[1m== %s\033[0m\n' "$1"; fi
}
run() {
  if [[ $mode == markdown ]]; then printf '%s\n' "$1"; return; fi
  printf '$ %s\n' "$1"
  out="$(eval "$1" 2>&1)" || fail "command failed: $1"$'\n'"$out"
  printf '%s\n' "$out"
}
# retry SECONDS 'COMMAND' REGEX: like run, but repeats COMMAND until its output matches
# REGEX (for things that settle asynchronously: the analytics flush, a reload).
retry() {
  if [[ $mode == markdown ]]; then printf '%s\n' "$2"; return; fi
  local deadline=$((SECONDS + $1))
  printf '$ %s\n' "$2"
  while :; do
    out="$(eval "$2" 2>&1)" || true
    [[ "$out" =~ $3 ]] && break
    ((SECONDS < deadline)) || fail "no output matching /$3/ after $1 s from: $2"$'\n'"$out"
    sleep 0.5
  done
  printf '%s\n' "$out"
}
fail() {
  printf '\nwalkthrough FAILED: %s\n' "$1" >&2
  exit 1
}
# expect REGEX [MESSAGE]: the last command's output must match.
expect() {
  [[ $mode == markdown ]] && return
  [[ "$out" =~ $1 ]] || fail "${2:-expected /$1/} in:"$'\n'"$out"
}

if [[ $mode == run ]]; then
  env_file="${FLOODGATE_RUN_DIR:-$repo_root/.run}/stack.env"
  [[ -f "$env_file" ]] || fail "no stack running ($env_file missing): start it with scripts/run-stack.sh"
fi

step "Where is everything? run-stack.sh wrote the ports it chose"
run 'source "${FLOODGATE_RUN_DIR:-.run}/stack.env" && echo "gw-1 :$GATEWAY_PORT  gw-2 :$GATEWAY2_PORT  dashboard :$DASHBOARD_PORT"'
[[ $mode == run ]] && source "${FLOODGATE_RUN_DIR:-.run}/stack.env"
# A fixed window restarts on the minute; begin well inside one so that the ten
# allowed requests below are all counted in the same window.
if [[ $mode == run ]] && (($(date +%-S) >= 50)); then sleep $((61 - $(date +%-S))); fi

step "Health: the gateway can serve, Redis is up, the circuit is closed"
run 'curl -s http://127.0.0.1:$GATEWAY_PORT/health'
expect '"status": *"ok"'
expect '"redis": *"up"'
expect '"circuit": *"closed"'

step "The demo route allows 10 requests a minute per client IP: ten 200s, then 429s"
run 'for i in $(seq 12); do curl -s -o /dev/null -w "%{http_code} remaining=%header{x-ratelimit-remaining}\n" http://127.0.0.1:$GATEWAY_PORT/api/data; done'
expect '^(200 remaining=[0-9]+'$'\n''){10}(429 remaining=0'$'\n''?){2}$' "ten 200s then two 429s"
expect 'remaining=9' && expect '200 remaining=0'

step "A denied request in full: Retry-After, X-RateLimit-*, the IETF RateLimit fields, a JSON body"
run 'curl -si http://127.0.0.1:$GATEWAY_PORT/api/data'
expect '^HTTP/1.1 429' && expect '[Rr]etry-[Aa]fter: [0-9]+' && expect '[Xx]-[Rr]ate[Ll]imit-[Ll]imit: 10'
expect '[Xx]-[Rr]ate[Ll]imit-[Rr]emaining: 0' && expect '[Xx]-[Rr]ate[Ll]imit-[Rr]eset: [0-9]+'
expect '[Rr]ate[Ll]imit-[Pp]olicy: "demo-0";q=10;w=60' && expect '"error": *"rate_limited"'

step "The second gateway shares the limit through Redis: this client is already spent there too"
run 'curl -s -o /dev/null -w "gw-2: %{http_code}\n" http://127.0.0.1:$GATEWAY2_PORT/api/data'
expect 'gw-2: 429'

step "Routes without limits pass straight through"
run 'curl -s -o /dev/null -w "%{http_code}\n" http://127.0.0.1:$GATEWAY_PORT/hello'
expect '^200$'

step "Metrics in Prometheus format: every decision counted by route and outcome"
run 'curl -s http://127.0.0.1:$GATEWAY_PORT/metrics | grep "^floodgate_requests_total"'
expect 'route="demo"[^}]*decision="blocked"|decision="blocked"[^}]*route="demo"'

step "The dashboard fills up (events reach PostgreSQL within a second or so)"
retry 20 'curl -s "http://127.0.0.1:$DASHBOARD_PORT/api/summary?window=1h"' '"blocked": *[1-9]'
expect '"total": *[1-9]'
run 'curl -s "http://127.0.0.1:$DASHBOARD_PORT/api/top-blocked?window=1h&limit=5"'
expect '127\.0\.0\.1'
run 'echo "open http://127.0.0.1:$DASHBOARD_PORT/ in a browser"'

step "Raise the limit to 20 and reload both gateways with SIGHUP (no restart, no dropped connection)"
run 'sed -i "s/limit: 10$/limit: 20/" "$ROUTES_FILE" && kill -HUP $(cat "$RUN_DIR/pids/gateway.pid") $(cat "$RUN_DIR/pids/gateway2.pid")'
retry 10 'curl -s -o /dev/null -w "%{http_code} limit=%header{x-ratelimit-limit}\n" http://127.0.0.1:$GATEWAY_PORT/api/data' '^200 limit=20$'
retry 10 'curl -s -o /dev/null -w "gw-2: %{http_code} limit=%header{x-ratelimit-limit}\n" http://127.0.0.1:$GATEWAY2_PORT/api/data' '^gw-2: 200 limit=20$'

if ((stop)) || [[ $mode == markdown ]]; then
  step "Stop everything"
  run 'scripts/stop-stack.sh'
  [[ $mode == run ]] && { port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }; for p in "$GATEWAY_PORT" "$GATEWAY2_PORT" "$DASHBOARD_PORT" "$BACKEND_PORT" "$REDIS_PORT" "$PG_PORT"; do ! port_open "$p" || fail "port $p still open after stop-stack.sh"; done; }
fi
[[ $mode == run ]] && printf '\nwalkthrough: all steps passed\n'
exit 0
