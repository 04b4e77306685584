#!/usr/bin/env bash
# Installs every Debian 12 package that floodgate's build, tests, demo stack and
# (optionally) benchmark need. Idempotent and non-interactive; when everything is
# already installed it never touches apt, so it is cheap to call from every script.
#
#   scripts/install-deps.sh              build + tests + demo stack (the default)
#   scripts/install-deps.sh --build-only only what `cmake --build` needs (Docker build stage)
#   scripts/install-deps.sh --bench      also wrk, h2load, NGINX (+ Lua module), hyperfine
#   scripts/install-deps.sh --check      install nothing; list what is missing, exit 1 if anything is
#
# Works as root (CI, Docker) or as a user with sudo.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

# What the build needs: compiler, CMake, the libraries, GoogleTest (tests are part of
# the default build), and Node.js/npm for the dashboard's front-end assets.
build_packages=(
  build-essential cmake pkg-config git ca-certificates
  libboost1.81-dev libhiredis-dev libpqxx-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
  libjemalloc-dev libgtest-dev libgmock-dev googletest
  nodejs npm
)
# What the tests and the demo stack run against: real servers, a headless browser, tools;
# docker-compose validates docker-compose.yml offline in tests/e2e (no engine is needed);
# python3 + python3-yaml run that deploy_files test.
runtime_packages=(
  redis-server redis-tools postgresql postgresql-client
  chromium curl procps clang-format docker-compose python3 python3-yaml
)
# The benchmark's load generators and peers (NGINX proxy_pass / limit_req / Lua+Redis).
bench_packages=(wrk nghttp2-client nginx-light libnginx-mod-http-lua libnginx-mod-http-ndk hyperfine)

want_runtime=1 want_bench=0 check_only=0
for arg in "$@"; do
  case "$arg" in
    --build-only) want_runtime=0 ;;
    --bench) want_bench=1 ;;
    --all) want_bench=1 ;;
    --check) check_only=1 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "install-deps.sh: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

packages=("${build_packages[@]}")
((want_runtime)) && packages+=("${runtime_packages[@]}")
((want_bench)) && packages+=("${bench_packages[@]}")

# True when dpkg reports the package fully installed.
is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${packages[@]}"; do
  if is_installed "$pkg"; then continue; fi
  # NodeSource's nodejs bundles npm and conflicts with Debian's npm package:
  # a working npm on PATH is as good as the package.
  if [[ "$pkg" == npm ]] && command -v npm >/dev/null 2>&1; then continue; fi
  missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: missing: ${missing[*]}"
((check_only)) && exit 1

if ((EUID == 0)); then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps: not root and no sudo; install the packages above as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps: installed ${#missing[@]} package(s)"
