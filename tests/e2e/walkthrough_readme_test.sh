#!/usr/bin/env bash
# The README's walkthrough block must be exactly what scripts/walkthrough.sh runs
# (walkthrough.sh --print-markdown), so the README cannot show a command that the
# walkthrough test does not execute.
#
#   walkthrough_readme_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
expected="$(scripts/walkthrough.sh --print-markdown)"
# The fenced block between the two markers, without the fences.
actual="$(awk '/<!-- walkthrough:begin -->/ { on = 1; next } /<!-- walkthrough:end -->/ { on = 0 }
  on && !/^```/' README.md)"
if [[ -z "$actual" ]]; then
  echo "README.md has no walkthrough block between <!-- walkthrough:begin/end --> markers" >&2
  exit 1
fi
if [[ "$actual" != "$expected" ]]; then
  echo "README.md's walkthrough differs from scripts/walkthrough.sh --print-markdown:" >&2
  diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2 || true
  exit 1
fi
echo "README walkthrough matches scripts/walkthrough.sh ($(grep -c . <<<"$expected") lines)"
