#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for floodgate (demo stack, manual testing):
# initdb on first use, listen on 127.0.0.1:<port> with the unix socket inside <data-dir>,
# create role and database floodgate/floodgate, apply schema/schema.sql. Idempotent: a
# running cluster is left alone (the role, database and schema are still ensured).
#
#   scripts/postgres-start.sh <data-dir> [port]        (default port 5432)
#   scripts/postgres-stop.sh  <data-dir>
#
# As root, PostgreSQL runs as $FLOODGATE_PG_USER (default: postgres), which must be able to
# reach <data-dir>. PostgreSQL binaries: $FLOODGATE_PG_BIN, else the newest
# /usr/lib/postgresql/*/bin with an initdb, else pg_config --bindir (on Debian pg_config
# comes with libpq-dev and names the client library's version, whose bin directory may
# hold no server). Connection string printed at the end.
set -euo pipefail

data_dir=${1:?usage: postgres-start.sh <data-dir> [port]}
port=${2:-5432}
repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
schema="$repo_dir/schema/schema.sql"

# shellcheck source=scripts/lib/postgres.sh
source "$repo_dir/scripts/lib/postgres.sh"
pg_bin=$(find_pg_bin) || exit 1

mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)
if [[ $(id -u) -eq 0 ]]; then
  chown "${FLOODGATE_PG_USER:-postgres}:" "$data_dir"
fi
chmod 700 "$data_dir"

if [[ ! -f $data_dir/PG_VERSION ]]; then
  as_pg "$pg_bin/initdb" -D "$data_dir" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$data_dir/../$(basename "$data_dir").initdb.log" 2>&1 ||
    { echo "postgres-start.sh: initdb failed, see $data_dir/../$(basename "$data_dir").initdb.log" >&2; exit 1; }
fi

psql_admin() {
  as_pg "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$data_dir" -p "$port" -U postgres "$@"
}

if ! as_pg "$pg_bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
  # -w waits until the server accepts connections (bounded by -t seconds).
  as_pg "$pg_bin/pg_ctl" -D "$data_dir" -l "$data_dir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data_dir" start >/dev/null ||
    { echo "postgres-start.sh: PostgreSQL did not start, see $data_dir/postgres.log" >&2; exit 1; }
fi

psql_admin -d postgres <<'SQL'
SELECT 'CREATE ROLE floodgate LOGIN PASSWORD ''floodgate'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'floodgate') \gexec
SELECT 'CREATE DATABASE floodgate OWNER floodgate'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'floodgate') \gexec
SQL
# The schema is applied as floodgate so that it owns its tables and functions.
as_pg "$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$data_dir" -p "$port" -U floodgate -d floodgate \
  -f - <"$schema" >/dev/null

echo "PostgreSQL ready: postgresql://floodgate:floodgate@127.0.0.1:$port/floodgate (data: $data_dir)"
