#!/usr/bin/env bash
# shellcheck disable=SC2154 # free_preferred, again, other: set by pick_port (printf -v)
# scripts/lib/common.sh's pick_port: it assigns the caller's variable whatever that
# variable is called (even a name a careless helper would use for a local), never
# hands out one port twice in a shell, and skips a preferred port that is in use.
# Usage: pick_port_test.sh SOURCE_DIR
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$1/scripts/lib/common.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
is_port() { [[ "$1" =~ ^[0-9]+$ ]] && (($1 > 0 && $1 < 65536)); }

# The caller's variable is set whatever its name.
for name in port var preferred tries p; do
  unset "$name"
  pick_port "$name"
  is_port "${!name:-}" || fail "pick_port $name left \$$name='${!name:-}'"
done

# 50 calls in one shell: 50 different ports, all below the kernel's ephemeral range
# (where an outgoing connection could take the port before the server binds it).
read -r ephemeral_low _ </proc/sys/net/ipv4/ip_local_port_range
declare -A seen=()
for _ in $(seq 50); do
  pick_port got
  [[ -z "${seen[$got]:-}" ]] || fail "port $got handed out twice"
  seen[$got]=1
  ((ephemeral_low <= 12000 || (got >= 10000 && got < ephemeral_low))) ||
    fail "port $got is not in 10000..$((ephemeral_low - 1))"
done

# A free preferred port is taken as is; once handed out (or when in use) it is not.
pick_port free_preferred 41234
[[ "$free_preferred" == 41234 ]] || port_in_use 41234 || fail "free preferred port 41234 not used: $free_preferred"
pick_port again 41234
[[ "$again" != 41234 ]] || fail "preferred port 41234 handed out twice"

# A preferred port that is listening is skipped.
python3 -c 'import socket,sys,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' >"${TMPDIR:-/tmp}/pick_port_test.$$" &
listener=$!
trap 'kill $listener 2>/dev/null; rm -f "${TMPDIR:-/tmp}/pick_port_test.$$"' EXIT
for _ in $(seq 50); do [[ -s "${TMPDIR:-/tmp}/pick_port_test.$$" ]] && break; sleep 0.1; done
busy=$(cat "${TMPDIR:-/tmp}/pick_port_test.$$")
is_port "$busy" || fail "test listener did not start"
pick_port other "$busy"
[[ "$other" != "$busy" ]] || fail "preferred port $busy is in use but was handed out"
echo "pick_port: ok"
