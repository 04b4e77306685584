#!/usr/bin/env bash
# PID files are only trusted when their process runs the expected program: a stale PID
# file (after a crash or a reboot, the PID reused by something else) must never get an
# unrelated process killed, neither by stop-stack.sh's stop_pidfile nor by
# postgres-stop.sh. The "unrelated process" here is a `sleep` that must survive.
# Usage: stale_pid_test.sh SOURCE_DIR
set -euo pipefail
src="$1"
# shellcheck source=scripts/lib/common.sh
source "$src/scripts/lib/common.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
sleep 300 &
bystander=$!
cleanup() { kill "$bystander" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

pid_is "$bystander" sleep || fail "pid_is does not recognise sleep (pid $bystander)"
! pid_is "$bystander" floodgate || fail "pid_is takes sleep for floodgate"
! pid_is "not-a-pid" sleep || fail "pid_is accepts a non-numeric pid"

# stop_pidfile: a PID file naming the sleep, expected to be floodgate: left alone.
echo "$bystander" >"$tmp/gateway.pid"
stop_pidfile "$tmp/gateway.pid" floodgate 1 2>"$tmp/log"
kill -0 "$bystander" 2>/dev/null || fail "stop_pidfile killed an unrelated process"
[[ ! -e "$tmp/gateway.pid" ]] || fail "stale pid file not removed"
grep -q "is not floodgate" "$tmp/log" || fail "stale pid file not logged: $(<"$tmp/log")"

# postgres-stop.sh: a postmaster.pid naming the sleep: reported stale, sleep untouched.
mkdir "$tmp/pgdata"
printf '%s\n%s\n' "$bystander" "$tmp/pgdata" >"$tmp/pgdata/postmaster.pid"
out=$("$src/scripts/postgres-stop.sh" "$tmp/pgdata") || fail "postgres-stop.sh failed: $out"
kill -0 "$bystander" 2>/dev/null || fail "postgres-stop.sh killed an unrelated process"
[[ "$out" == *stale* ]] || fail "postgres-stop.sh did not report the stale pid file: $out"

# The matching program is still stopped.
echo "$bystander" >"$tmp/sleep.pid"
stop_pidfile "$tmp/sleep.pid" sleep 5
! kill -0 "$bystander" 2>/dev/null || fail "stop_pidfile did not stop the matching process"
echo "stale pid files: ok"
