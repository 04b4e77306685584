#!/usr/bin/env bash
# Stops a cluster started by postgres-start.sh: SIGINT ("fast" shutdown) to the postmaster
# PID recorded in <data-dir>/postmaster.pid, then waits (bounded) for it to exit.
#
#   scripts/postgres-stop.sh <data-dir>
set -euo pipefail

data_dir=${1:?usage: postgres-stop.sh <data-dir>}
pid_file="$data_dir/postmaster.pid"
if [[ ! -f $pid_file ]]; then
  echo "postgres-stop.sh: not running ($pid_file missing)"
  exit 0
fi
pid=$(head -n 1 "$pid_file")
if ! kill -0 "$pid" 2>/dev/null; then
  echo "postgres-stop.sh: not running (stale $pid_file)"
  exit 0
fi
kill -INT "$pid"
for _ in $(seq 1 300); do
  kill -0 "$pid" 2>/dev/null || { echo "PostgreSQL stopped (pid $pid)"; exit 0; }
  sleep 0.1
done
echo "postgres-stop.sh: pid $pid still running after 30s; sending SIGQUIT" >&2
kill -QUIT "$pid" 2>/dev/null || true
exit 1
