#!/bin/sh
# Entry point of the floodgate image: the first argument picks the process.
#   gateway        floodgate --config $FLOODGATE_CONFIG
#   dashboard      floodgate-dashboard --config $FLOODGATE_CONFIG
#   demo-backend   floodgate-demo-backend --listen $FLOODGATE_BACKEND_LISTEN (default 0.0.0.0:9001)
#   check          floodgate --config $FLOODGATE_CONFIG --check
# Anything else is run as given (e.g. `floodgate --version`). exec keeps the process PID 1,
# so SIGTERM from `docker stop` reaches it and it drains before exiting.
set -eu
config="${FLOODGATE_CONFIG:-/etc/floodgate/routes.yaml}"
case "${1:-gateway}" in
  gateway) shift || true; exec floodgate --config "$config" "$@" ;;
  dashboard) shift; exec floodgate-dashboard --config "$config" "$@" ;;
  demo-backend) shift; exec floodgate-demo-backend --listen "${FLOODGATE_BACKEND_LISTEN:-0.0.0.0:9001}" "$@" ;;
  check) shift; exec floodgate --config "$config" --check "$@" ;;
  *) exec "$@" ;;
esac
