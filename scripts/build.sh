#!/usr/bin/env bash
# Builds floodgate the one way SPEC defines: install the build dependencies, then
#   cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j2
# Binaries land in build/bin/ (floodgate, floodgate-dashboard, floodgate-demo-backend).
#
# Environment: FLOODGATE_BUILD_DIR (default: build) to keep a second build tree;
# FLOODGATE_SKIP_DEPS=1 when the caller has already run scripts/install-deps.sh.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
build_dir="${FLOODGATE_BUILD_DIR:-build}"

if [[ "${FLOODGATE_SKIP_DEPS:-0}" != 1 ]]; then
  scripts/install-deps.sh --build-only
fi

cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j2
