#!/usr/bin/env bash
# bench/run.sh refuses a numeric option that is not a whole number before it starts
# anything (it used to run the whole benchmark with an arithmetic error in every round).
# Usage: bench_options_test.sh SOURCE_DIR
set -euo pipefail
run="$1/bench/run.sh"

fail() { echo "FAIL: $*" >&2; exit 1; }

# refused OPTION VALUE: exits non-zero at once, naming the option and the value.
refused() {
  local output status=0
  output=$(timeout 10 bash "$run" "$1" "$2" 2>&1) || status=$?
  ((status != 0 && status != 124)) || fail "$1 '$2': exit status $status (124: it started the benchmark)"
  [[ "$output" == *"$1 takes a whole number, not '$2'"* ]] || fail "$1 '$2': said '$output'"
}

refused --warmup 0.5
refused --fixed-rounds x
refused --rounds ""
refused --duration -1
echo "bench/run.sh options: all checks passed"
