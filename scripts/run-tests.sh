#!/usr/bin/env bash
# Runs the whole test suite from a fresh clone: installs dependencies, builds, then
# runs every ctest test (unit, redis, postgres, e2e). Each test that needs Redis or
# PostgreSQL starts its own throwaway server on a free loopback port, so nothing has
# to be running beforehand. This is what .ci/run calls.
#
#   scripts/run-tests.sh                 everything
#   scripts/run-tests.sh -L unit         extra arguments go to ctest (here: unit tests only)
#
# Environment: FLOODGATE_BUILD_DIR (default: build), FLOODGATE_SKIP_DEPS=1,
# FLOODGATE_TEST_TIMEOUT (seconds per test, default 300), CI=true (no prompts anyway).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
build_dir="${FLOODGATE_BUILD_DIR:-build}"
started=$SECONDS

if [[ "${FLOODGATE_SKIP_DEPS:-0}" != 1 ]]; then
  scripts/install-deps.sh
fi
FLOODGATE_SKIP_DEPS=1 scripts/build.sh

# Tests put their servers' data under TMPDIR. When CI runs as root, PostgreSQL runs
# as the `postgres` user, which must be able to reach those directories: /tmp is
# world-traversable, a root-only TMPDIR (e.g. under /root) is not.
export TMPDIR=/tmp
if ((EUID == 0)) && id postgres >/dev/null 2>&1; then
  if ! runuser -u postgres -- test -x "$repo_root"; then
    echo "run-tests: note: user 'postgres' cannot enter $repo_root;" \
      "tests must copy what PostgreSQL reads (schema) into their temp dirs" >&2
  fi
fi

# --no-tests=error: a suite that ran nothing is a failure, not a pass.
status=0
ctest --test-dir "$build_dir" --output-on-failure -j2 --no-tests=error \
  --timeout "${FLOODGATE_TEST_TIMEOUT:-300}" "$@" || status=$?

echo "run-tests: finished in $((SECONDS - started)) s (exit $status)"
exit "$status"
