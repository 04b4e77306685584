# shellcheck shell=bash
# Helpers shared by postgres-start.sh and postgres-stop.sh: where the server binaries
# are and how to run them as an unprivileged user. Source it; it defines functions only.

# find_pg_bin: prints the directory holding initdb/pg_ctl: $FLOODGATE_PG_BIN, else the
# newest /usr/lib/postgresql/*/bin with an initdb (Debian keeps them off PATH), else
# pg_config --bindir. Fails with a message when there is none.
find_pg_bin() {
  if [[ -n ${FLOODGATE_PG_BIN:-} ]]; then echo "$FLOODGATE_PG_BIN"; return; fi
  local d
  # shellcheck disable=SC2012 # Debian version directories: plain names
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x $d/initdb ]] && { echo "$d"; return; }
  done
  if command -v pg_config >/dev/null && [[ -x $(pg_config --bindir)/initdb ]]; then
    pg_config --bindir; return
  fi
  echo "${0##*/}: initdb not found (install postgresql)" >&2
  return 1
}

# as_pg CMD...: runs CMD as $FLOODGATE_PG_USER (default postgres) when we are root,
# because initdb and the server refuse to run as root; as is otherwise.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u "${FLOODGATE_PG_USER:-postgres}" -- "$@"
  else
    "$@"
  fi
}
