#!/usr/bin/env bash
# Runs deploy_files_test.py with the Python that docker-compose itself runs on, which
# has PyYAML (a dependency of Debian's docker-compose), whatever python3 is on PATH.
set -euo pipefail
compose="$(command -v docker-compose)" || { echo "docker-compose not found: run scripts/install-deps.sh" >&2; exit 1; }
read -r shebang <"$compose"
python="${shebang#\#!}"
exec $python "$(dirname "$0")/deploy_files_test.py" "$@"
