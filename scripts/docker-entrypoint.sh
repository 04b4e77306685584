#!/bin/sh
# Entry point of the floodgate image: the first argument picks the process.
#   gateway        floodgate --config $FLOODGATE_CONFIG
#   dashboard      floodgate-dashboard --config $FLOODGATE_CONFIG
#   demo-backend   floodgate-demo-backend --listen $FLOODGATE_BACKEND_LISTEN (default 0.0.0.0:9001)
#   check          floodgate --config $FLOODGATE_CONFIG --check
#   healthcheck    the image's HEALTHCHECK: GET /health of whichever process the container runs
#   health-url [gateway|dashboard|demo-backend]
#                  prints the URL healthcheck uses (default: the container's process)
# Anything else is run as given (e.g. `floodgate --version`). exec keeps the process PID 1,
# so SIGTERM from `docker stop` reaches it and it drains before exiting.
set -eu
config="${FLOODGATE_CONFIG:-/etc/floodgate/routes.yaml}"

# What the container runs. The HEALTHCHECK is a process of its own beside PID 1 (which
# this script became by exec, or which runs it under `docker run --init`), so it asks PID 1.
container_mode() {
  case " $(tr '\0' ' ' </proc/1/cmdline 2>/dev/null || true) " in
    *floodgate-dashboard*|*" dashboard "*) echo dashboard ;;
    *floodgate-demo-backend*|*" demo-backend "*) echo demo-backend ;;
    *) echo gateway ;;
  esac
}

# FLOODGATE_HEALTH_URL wins (a config whose listen address is not the image's variable);
# otherwise the port of the listen variable the mode's config reads, on loopback.
health_url() {
  if [ -n "${FLOODGATE_HEALTH_URL:-}" ]; then
    echo "$FLOODGATE_HEALTH_URL"
    return
  fi
  case "$1" in
    dashboard) listen="${FLOODGATE_DASHBOARD_LISTEN:-0.0.0.0:8080}" ;;
    demo-backend) listen="${FLOODGATE_BACKEND_LISTEN:-0.0.0.0:9001}" ;;
    *) listen="${FLOODGATE_LISTEN:-0.0.0.0:8000}" ;;
  esac
  echo "http://127.0.0.1:${listen##*:}/health"
}

case "${1:-gateway}" in
  gateway) shift || true; exec floodgate --config "$config" "$@" ;;
  dashboard) shift; exec floodgate-dashboard --config "$config" "$@" ;;
  demo-backend) shift; exec floodgate-demo-backend --listen "${FLOODGATE_BACKEND_LISTEN:-0.0.0.0:9001}" "$@" ;;
  check) shift; exec floodgate --config "$config" --check "$@" ;;
  healthcheck) exec curl -fsS -o /dev/null "$(health_url "$(container_mode)")" ;;
  health-url) health_url "${2:-$(container_mode)}" ;;
  *) exec "$@" ;;
esac
