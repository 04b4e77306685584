#!/usr/bin/env bash
# Starts the whole floodgate stack natively on loopback, from a fresh machine:
# installs dependencies, builds, then runs
#   redis-server                      127.0.0.1:6379 (or a free port)
#   PostgreSQL (schema applied)       127.0.0.1:5432 (or a free port)
#   demo backend                      127.0.0.1:9001
#   gateway gw-1                      127.0.0.1:8000
#   gateway gw-2 (same Redis)         127.0.0.1:8001
#   dashboard                         127.0.0.1:8080
# and waits until each answers. Each preferred port is used when free, otherwise a
# free one is picked and printed; set a port variable to insist on it.
#
#   scripts/run-stack.sh                  start in the background, print the URLs
#   scripts/run-stack.sh --foreground     same, then wait; Ctrl-C stops everything
#   scripts/stop-stack.sh                 stop everything this script started
#
# Environment: FLOODGATE_RUN_DIR (default: .run in the repository), FLOODGATE_CONFIG
# (default: config/demo.yaml, copied to $FLOODGATE_RUN_DIR/routes.yaml, which the
# gateways read: edit that copy and send SIGHUP to reload), FLOODGATE_SKIP_BUILD=1,
# ports: REDIS_PORT PG_PORT BACKEND_PORT GATEWAY_PORT GATEWAY2_PORT DASHBOARD_PORT.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
export FLOODGATE_LOG_TAG=run-stack

foreground=0
for arg in "$@"; do
  case "$arg" in
    --foreground) foreground=1 ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$arg' (see --help)" ;;
  esac
done

run_dir="${FLOODGATE_RUN_DIR:-$repo_root/.run}"
mkdir -p "$run_dir"
run_dir="$(cd "$run_dir" && pwd)"
build_dir="${FLOODGATE_BUILD_DIR:-build}"
bin="$repo_root/$build_dir/bin"
[[ "$build_dir" == /* ]] && bin="$build_dir/bin"

if [[ -f "$run_dir/stack.env" ]]; then
  die "a stack is already running from $run_dir (scripts/stop-stack.sh stops it)"
fi

if [[ "${FLOODGATE_SKIP_BUILD:-0}" != 1 ]]; then
  scripts/install-deps.sh
  FLOODGATE_SKIP_DEPS=1 scripts/build.sh
fi
for exe in floodgate floodgate-dashboard floodgate-demo-backend; do
  [[ -x "$bin/$exe" ]] || die "$bin/$exe is missing: did the build succeed?"
done

# From here on, a failure (a failed command or a die) stops whatever was already started.
up=0
on_exit() {
  local status=$?
  if ((status != 0 && !up)); then
    log "start-up failed; stopping what was started"
    scripts/stop-stack.sh >&2 || true
  fi
}
trap on_exit EXIT

redis_port="" pg_port="" backend_port="" gateway_port="" gateway2_port="" dashboard_port=""
choose_port redis_port REDIS_PORT 6379
choose_port pg_port PG_PORT 5432
choose_port backend_port BACKEND_PORT 9001
choose_port gateway_port GATEWAY_PORT 8000
choose_port gateway2_port GATEWAY2_PORT 8001
choose_port dashboard_port DASHBOARD_PORT 8080

# PostgreSQL runs as the `postgres` user when we are root; its data directory must be
# reachable by that user, which a repository under /root is not.
pg_data="$run_dir/postgres"
if ((EUID == 0)) && ! runuser -u postgres -- test -x "$run_dir"; then
  pg_data="/tmp/floodgate-stack-$(echo "$run_dir" | cksum | cut -d' ' -f1)/postgres"
  mkdir -p "$(dirname "$pg_data")" && chmod 755 "$(dirname "$pg_data")"
fi

# The gateways read a copy of the demo configuration, so the walkthrough's edits never
# touch the repository. ${VAR:-default} placeholders in it are filled from these.
config_src="${FLOODGATE_CONFIG:-config/demo.yaml}"
[[ -f "$config_src" ]] || die "$config_src not found"
cp "$config_src" "$run_dir/routes.yaml"
export FLOODGATE_REDIS_URL="redis://127.0.0.1:$redis_port/0"
export FLOODGATE_POSTGRES="postgresql://floodgate:floodgate@127.0.0.1:$pg_port/floodgate"
export FLOODGATE_BACKEND="127.0.0.1:$backend_port"
export FLOODGATE_DASHBOARD_LISTEN="127.0.0.1:$dashboard_port"

# Recorded before anything starts, so stop-stack.sh can clean up a partial start.
cat >"$run_dir/stack.env" <<ENV
RUN_DIR=$run_dir
REDIS_PORT=$redis_port
PG_PORT=$pg_port
PG_DATA=$pg_data
BACKEND_PORT=$backend_port
GATEWAY_PORT=$gateway_port
GATEWAY2_PORT=$gateway2_port
DASHBOARD_PORT=$dashboard_port
ROUTES_FILE=$run_dir/routes.yaml
FLOODGATE_REDIS_URL=$FLOODGATE_REDIS_URL
FLOODGATE_POSTGRES=$FLOODGATE_POSTGRES
ENV

# Refuse a broken configuration up front, with the gateway's own file:line:column message.
FLOODGATE_LISTEN="127.0.0.1:$gateway_port" "$bin/floodgate" --config "$run_dir/routes.yaml" --check >&2 ||
  die "$config_src does not validate"

log "redis-server on 127.0.0.1:$redis_port"
mkdir -p "$run_dir/redis"
start_daemon redis "$run_dir" redis-server --bind 127.0.0.1 --port "$redis_port" \
  --dir "$run_dir/redis" --save "" --appendonly no --protected-mode yes
wait_for_port "$redis_port" 20 || die "redis-server did not start (see $run_dir/logs/redis.log)"

log "PostgreSQL on 127.0.0.1:$pg_port (data in $pg_data)"
scripts/postgres-start.sh "$pg_data" "$pg_port" >"$run_dir/logs/postgres-start.log" 2>&1 ||
  die "PostgreSQL did not start (see $run_dir/logs/postgres-start.log)"

log "demo backend on 127.0.0.1:$backend_port"
start_daemon backend "$run_dir" "$bin/floodgate-demo-backend" --listen "127.0.0.1:$backend_port"
wait_for_port "$backend_port" 20 || die "demo backend did not start (see $run_dir/logs/backend.log)"

start_gateway() { # NAME ID PORT
  log "gateway $2 on 127.0.0.1:$3"
  FLOODGATE_LISTEN="127.0.0.1:$3" FLOODGATE_GATEWAY_ID="$2" \
    start_daemon "$1" "$run_dir" "$bin/floodgate" --config "$run_dir/routes.yaml"
}
start_gateway gateway gw-1 "$gateway_port"
start_gateway gateway2 gw-2 "$gateway2_port"

log "dashboard on 127.0.0.1:$dashboard_port"
start_daemon dashboard "$run_dir" "$bin/floodgate-dashboard" --config "$run_dir/routes.yaml"

for check in "gateway:$gateway_port" "gateway2:$gateway2_port" "dashboard:$dashboard_port"; do
  name="${check%%:*}" port="${check##*:}"
  wait_for_http "http://127.0.0.1:$port/health" 30 "$(<"$run_dir/pids/$name.pid")" ||
    die "$name is not healthy on port $port (see $run_dir/logs/$name.log)"
done
up=1

cat <<MSG

floodgate stack is up (state, logs and PIDs in $run_dir):
  gateway gw-1   http://127.0.0.1:$gateway_port/   (/health, /metrics)
  gateway gw-2   http://127.0.0.1:$gateway2_port/
  dashboard      http://127.0.0.1:$dashboard_port/
  backend        http://127.0.0.1:$backend_port/
  redis          redis-cli -p $redis_port
  postgres       psql $FLOODGATE_POSTGRES
  routes         $run_dir/routes.yaml (edit, then: kill -HUP \$(cat $run_dir/pids/gateway.pid))
Try:  curl -i http://127.0.0.1:$gateway_port/api/data
Stop: scripts/stop-stack.sh
MSG

if ((foreground)); then
  trap 'echo; scripts/stop-stack.sh; exit 0' INT TERM
  log "running in the foreground; Ctrl-C stops the stack"
  while [[ -f "$run_dir/stack.env" ]]; do sleep 1; done
fi
