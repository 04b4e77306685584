# shellcheck shell=bash
# Helpers shared by run-stack.sh, stop-stack.sh, walkthrough.sh and bench/run.sh:
# loopback ports, readiness polling, and stopping processes by PID.
# Source it; it defines functions only.

# log MESSAGE...: a prefixed line on stderr, so stdout stays clean for callers.
log() { echo "[${FLOODGATE_LOG_TAG:-floodgate}] $*" >&2; }

die() {
  log "error: $*"
  exit 1
}

# port_in_use PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port VAR [PREFERRED]: sets VAR to PREFERRED when it is free, otherwise to a free
# port below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by
# default: ports 10000 up to its start). A port from inside that range can be free when
# checked and then be taken as the source port of any outgoing connection before the
# server binds it ("Address already in use"; seen when tests run in parallel). Ports
# handed out earlier in this shell are remembered, so two calls never give the same port
# before either is bound (which is why this assigns a variable instead of printing:
# $(pick_port) would run in a subshell and forget).
_picked_ports=" "

# pick_port_range: "LOW COUNT" of the ports pick_port draws from.
pick_port_range() {
  local ephemeral_low=32768 rest
  read -r ephemeral_low rest </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  if ((ephemeral_low > 12000)); then
    echo "10000 $((ephemeral_low - 10000))"
  else
    echo "20000 40000"  # an unusual range: the draw this helper always used before
  fi
}
pick_port() {
  # Locals carry a prefix: `printf -v` would set a local of the caller's variable's name
  # instead of the caller's variable (e.g. `pick_port port`).
  local _pp_var="$1" _pp_preferred="${2:-}" _pp_port _pp_tries=0 _pp_low _pp_count
  read -r _pp_low _pp_count <<<"$(pick_port_range)"
  if [[ -n "$_pp_preferred" && "$_picked_ports" != *" $_pp_preferred "* ]] &&
    ! port_in_use "$_pp_preferred"; then
    _pp_port="$_pp_preferred"
  else
    while :; do
      # RANDOM is 15 bits: two draws cover ranges above 32767 ports.
      _pp_port=$((_pp_low + (RANDOM * 32768 + RANDOM) % _pp_count))
      [[ "$_picked_ports" == *" $_pp_port "* ]] || port_in_use "$_pp_port" || break
      ((++_pp_tries < 200)) || die "no free port found"
    done
  fi
  _picked_ports+="$_pp_port "
  printf -v "$_pp_var" '%s' "$_pp_port"
}

# choose_port VAR ENV_NAME DEFAULT: sets VAR to the port of one service. A set ENV_NAME
# (e.g. DASHBOARD_PORT) insists on its port: when that port is busy this fails rather
# than quietly serving somewhere else. Unset, DEFAULT is used when free, otherwise a free
# port from pick_port, and the replacement is logged.
choose_port() {
  local _cp_var="$1" _cp_env="$2" _cp_default="$3" _cp_port
  _cp_port="${!_cp_env:-}"
  if [[ -n "$_cp_port" ]]; then
    if [[ ! "$_cp_port" =~ ^[0-9]+$ ]] || ((_cp_port < 1 || _cp_port > 65535)); then
      die "$_cp_env=$_cp_port: not a TCP port"
    fi
    [[ "$_picked_ports" != *" $_cp_port "* ]] ||
      die "$_cp_env=$_cp_port: that port is already taken by another service of this stack"
    ! port_in_use "$_cp_port" ||
      die "$_cp_env=$_cp_port: that port is in use (unset $_cp_env to have a free port chosen)"
    _picked_ports+="$_cp_port "
  else
    pick_port _cp_port "$_cp_default"
    [[ "$_cp_port" == "$_cp_default" ]] ||
      log "port $_cp_default is in use: $_cp_env=$_cp_port chosen instead"
  fi
  printf -v "$_cp_var" '%s' "$_cp_port"
}

# wait_for_port PORT SECONDS: polls until 127.0.0.1:PORT accepts connections.
wait_for_port() {
  local port="$1" deadline=$((SECONDS + $2))
  until port_in_use "$port"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# wait_for_http URL SECONDS [PID]: polls until URL answers 200; gives up early when
# PID (the server that should answer) has exited.
wait_for_http() {
  local url="$1" deadline=$((SECONDS + $2)) pid="${3:-}"
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    [[ -z "$pid" ]] || kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
}

# start_daemon NAME RUN_DIR CMD...: runs CMD in the background in its own session,
# output to RUN_DIR/logs/NAME.log, PID to RUN_DIR/pids/NAME.pid.
start_daemon() {
  local name="$1" run_dir="$2"
  shift 2
  mkdir -p "$run_dir/logs" "$run_dir/pids"
  setsid "$@" >"$run_dir/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$run_dir/pids/$name.pid"
}

# pid_is PID PROGRAM: true when process PID runs PROGRAM (compared by file name:
# argv[0]'s first word, which is how redis-server retitles itself, or the executable).
# PID files outlive their processes (a crash, a reboot), and the kernel reuses PIDs, so
# a PID read from a file is only signalled after this check.
pid_is() {
  local pid="$1" program="$2" argv0 exe
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) || return 1
  argv0=${argv0%% *}
  [[ "${argv0##*/}" == "$program" ]] && return 0
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ "${exe##*/}" == "$program" ]]
}

# stop_pid PID [GRACE_SECONDS]: SIGTERM, wait, then SIGKILL. Only ever the given PID.
stop_pid() {
  local pid="$1" grace="${2:-10}" deadline
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  deadline=$((SECONDS + grace))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.1
  done
  # Reap it when it is our own child; harmless otherwise.
  wait "$pid" 2>/dev/null || true
}

# stop_pidfile FILE PROGRAM [GRACE_SECONDS]: stop_pid on the PID in FILE when that
# process runs PROGRAM (pid_is), then remove FILE. A stale FILE whose PID now belongs to
# another program is only logged and removed: that process is not ours to signal.
stop_pidfile() {
  local file="$1" program="$2" pid
  [[ -f "$file" ]] || return 0
  pid=$(<"$file")
  if pid_is "$pid" "$program"; then
    stop_pid "$pid" "${3:-10}"
  elif kill -0 "$pid" 2>/dev/null; then
    log "$file: pid $pid is not $program (stale pid file); leaving it alone"
  fi
  rm -f "$file"
}
