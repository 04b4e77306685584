#!/usr/bin/env bash
# Stops the stack started by scripts/run-stack.sh, by the PIDs it recorded: the
# gateways first (SIGTERM: they drain in-flight requests and flush analytics), then
# the dashboard, the backend, PostgreSQL and Redis. Safe to run twice. A PID whose
# process is not the program that was started (a stale PID file) is left alone.
#
# Environment: FLOODGATE_RUN_DIR (default: .run in the repository).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
export FLOODGATE_LOG_TAG=stop-stack

run_dir="${FLOODGATE_RUN_DIR:-$repo_root/.run}"
if [[ ! -f "$run_dir/stack.env" ]]; then
  log "no stack running from $run_dir"
  exit 0
fi
PG_DATA=""
# shellcheck disable=SC1091
source "$run_dir/stack.env"

# name:program pairs: a PID file is only trusted when its process runs that program.
for entry in gateway:floodgate gateway2:floodgate dashboard:floodgate-dashboard \
  backend:floodgate-demo-backend; do
  name=${entry%%:*}
  if [[ -f "$run_dir/pids/$name.pid" ]]; then
    log "stopping $name (pid $(<"$run_dir/pids/$name.pid"))"
    stop_pidfile "$run_dir/pids/$name.pid" "${entry#*:}" 15
  fi
done
if [[ -n "$PG_DATA" && -d "$PG_DATA" ]]; then
  log "stopping PostgreSQL"
  scripts/postgres-stop.sh "$PG_DATA" >&2 || true
fi
if [[ -f "$run_dir/pids/redis.pid" ]]; then
  log "stopping redis-server (pid $(<"$run_dir/pids/redis.pid"))"
  stop_pidfile "$run_dir/pids/redis.pid" redis-server 10
fi
rm -f "$run_dir/stack.env"
log "stopped"
