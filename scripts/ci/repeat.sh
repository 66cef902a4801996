#!/usr/bin/env bash
# Runs a command N times in a row and counts the passes; stops at nothing (every run is counted), keeps each failing
# run's output. Proof that a suite does not fail by chance (docs/testing.md, "Determinism"):
#   scripts/ci/repeat.sh 20 -- env TEST_TYPE=integration NODE_OPTIONS=--experimental-vm-modules \
#     npx jest --forceExit integration-tests/http/analytics-experiments.spec.ts
# Output directory: $REPEAT_LOG_DIR (default: a new one under /tmp). Exit status 0 only when every run passed.
set -uo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 <runs> [--] <command…>" >&2; exit 2; fi
runs="$1"; shift
[ "${1:-}" = "--" ] && shift
dir="${REPEAT_LOG_DIR:-$(mktemp -d /tmp/repeat-XXXXXX)}"
mkdir -p "$dir"
pass=0; fail=0
for i in $(seq 1 "$runs"); do
  started=$(date +%s)
  if "$@" >"$dir/run-$i.log" 2>&1; then
    pass=$((pass + 1)); status=pass; rm -f "$dir/run-$i.log"
  else
    fail=$((fail + 1)); status="FAIL (output: $dir/run-$i.log)"
  fi
  echo "run $i/$runs: $status in $(( $(date +%s) - started )) s" | tee -a "$dir/summary.txt"
done
echo "$pass of $runs passed, $fail failed: $*" | tee -a "$dir/summary.txt"
[ "$fail" -eq 0 ]
