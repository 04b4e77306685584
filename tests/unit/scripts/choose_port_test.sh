#!/usr/bin/env bash
# shellcheck disable=SC2154 # port, other: set by choose_port (printf -v)
# scripts/lib/common.sh's choose_port (run-stack.sh's ports): a port variable that is
# set insists on its port (busy is an error, never a silent fallback); an unset one
# takes the default when free and logs the replacement when not.
# Usage: choose_port_test.sh SOURCE_DIR
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$1/scripts/lib/common.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
listener=""
cleanup() { [[ -z "$listener" ]] || kill "$listener" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

# A busy port: a listener on a port pick_port found free.
pick_port busy
python3 -c 'import socket,sys,time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); time.sleep(300)' "$busy" &
listener=$!
wait_for_port "$busy" 10 || fail "listener on $busy did not start"
# pick_port remembers what it handed out; this shell's stack has not taken anything yet.
_picked_ports=" "

# Set and busy: an error naming the variable, in a subshell since die exits.
if (DASHBOARD_PORT=$busy choose_port port DASHBOARD_PORT 8080) 2>"$tmp/err"; then
  fail "DASHBOARD_PORT=$busy (busy) was accepted"
fi
grep -q "DASHBOARD_PORT=$busy: that port is in use" "$tmp/err" || fail "unclear error: $(<"$tmp/err")"

# Set and free: that port exactly.
pick_port free
_picked_ports=" "
DASHBOARD_PORT=$free choose_port port DASHBOARD_PORT 8080
[[ "$port" == "$free" ]] || fail "DASHBOARD_PORT=$free gave $port"
# ... and not a second time in the same stack.
if (GATEWAY_PORT=$free choose_port other GATEWAY_PORT 8000) 2>"$tmp/err"; then
  fail "port $free handed to two services"
fi

# Not a number: an error.
if (DASHBOARD_PORT=http choose_port other DASHBOARD_PORT 8080) 2>/dev/null; then
  fail "DASHBOARD_PORT=http accepted"
fi

# Unset, default busy: another port, and the replacement is logged.
unset DASHBOARD_PORT
choose_port other DASHBOARD_PORT "$busy" 2>"$tmp/err"
[[ "$other" != "$busy" ]] || fail "busy default $busy chosen"
grep -q "port $busy is in use: DASHBOARD_PORT=$other chosen instead" "$tmp/err" ||
  fail "replacement not logged: $(<"$tmp/err")"
echo "choose_port: ok"
