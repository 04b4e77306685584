#!/usr/bin/env bash
# Runs the README's walkthrough (scripts/walkthrough.sh) against a stack that
# scripts/run-stack.sh starts from the built binaries, on free loopback ports, with its
# state in a temp dir; then checks that stop-stack.sh left nothing listening.
#
#   walkthrough_test.sh SOURCE_DIR BINARY_DIR
set -euo pipefail
source_dir="$1" binary_dir="$2"
cd "$source_dir"
# shellcheck source=scripts/lib/common.sh
source scripts/lib/common.sh
export FLOODGATE_LOG_TAG=walkthrough_test

# /tmp and mode 755: as root, PostgreSQL runs as `postgres` and must reach its data dir.
run_dir="$(mktemp -d /tmp/floodgate-walkthrough.XXXXXX)"
chmod 755 "$run_dir"
export FLOODGATE_RUN_DIR="$run_dir" FLOODGATE_BUILD_DIR="$binary_dir" FLOODGATE_SKIP_BUILD=1
cleanup() {
  local status=$?
  if ((status != 0)); then
    for f in "$run_dir"/pids/*.pid; do
      [[ -f "$f" ]] && ! kill -0 "$(<"$f")" 2>/dev/null && echo "---- $(basename "$f" .pid) is no longer running"
    done
    for f in "$run_dir"/logs/*.log; do
      [[ -f "$f" ]] && { echo "---- $f (last 30 lines)"; tail -n 30 "$f"; }
    done
  fi
  scripts/stop-stack.sh >/dev/null 2>&1 || true
  rm -rf "$run_dir"
  exit "$status"
}
trap cleanup EXIT

# Explicit free ports: the test must not take the well-known ones a developer's own
# stack may be using.
for var in REDIS_PORT PG_PORT BACKEND_PORT GATEWAY_PORT GATEWAY2_PORT DASHBOARD_PORT; do
  pick_port "$var"
done
export REDIS_PORT PG_PORT BACKEND_PORT GATEWAY_PORT GATEWAY2_PORT DASHBOARD_PORT

scripts/run-stack.sh
scripts/walkthrough.sh --stop
[[ ! -f "$run_dir/stack.env" ]] || { echo "stop-stack.sh left $run_dir/stack.env behind" >&2; exit 1; }
