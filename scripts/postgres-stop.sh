#!/usr/bin/env bash
# Stops a cluster started by postgres-start.sh with `pg_ctl stop -m fast` (clients are
# disconnected, the server shuts down cleanly), waiting at most 30 s.
#
# After a crash or a reboot postmaster.pid can be stale and its PID reused by an
# unrelated process, which pg_ctl would signal all the same (it only checks that the PID
# exists): so the PID must belong to a `postgres` process before pg_ctl is asked.
#
#   scripts/postgres-stop.sh <data-dir>
set -euo pipefail

data_dir=${1:?usage: postgres-stop.sh <data-dir>}
repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/common.sh
source "$repo_dir/scripts/lib/common.sh"
# shellcheck source=scripts/lib/postgres.sh
source "$repo_dir/scripts/lib/postgres.sh"

if [[ ! -f $data_dir/postmaster.pid ]]; then
  echo "postgres-stop.sh: not running ($data_dir/postmaster.pid missing)"
  exit 0
fi
pid=$(head -n 1 "$data_dir/postmaster.pid")
if ! pid_is "$pid" postgres; then
  echo "postgres-stop.sh: not running (stale $data_dir/postmaster.pid: pid $pid is not postgres)"
  exit 0
fi
pg_bin=$(find_pg_bin) || exit 1
if as_pg "$pg_bin/pg_ctl" -D "$data_dir" stop -m fast -w -t 30 >/dev/null; then
  echo "PostgreSQL stopped ($data_dir)"
  exit 0
fi
echo "postgres-stop.sh: PostgreSQL on $data_dir still running after 30s" >&2
exit 1
