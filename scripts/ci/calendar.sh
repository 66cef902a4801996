#!/usr/bin/env bash
# The suite at a fixed calendar instant (docs/testing.md, "Determinism"): the unit tests, then each integration
# suite in its own jest run, every run started with the wall clock at <instant> (scripts/ci/at-clock.sh) — one run per
# suite so that midnight passes while each suite seeds and runs (boot takes ~20–40 s), not only during the first.
#   scripts/ci/calendar.sh 2026-12-07T23:59:30Z            # every suite (fuzz.spec.ts too: ~15 min on its own)
#   scripts/ci/calendar.sh 2027-02-28T23:59:30Z integration-tests/http/analytics-experiments.spec.ts
# Logs: $CALENDAR_LOG_DIR (default: a new dir under /tmp). Exit status 0 only when every run passed.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
if [ $# -lt 1 ]; then echo "usage: $0 <ISO instant> [unit | spec files…]" >&2; exit 2; fi
instant="$1"; shift
if [ $# -eq 0 ]; then set -- unit integration-tests/http/*.spec.ts; fi
dir="${CALENDAR_LOG_DIR:-$(mktemp -d /tmp/calendar-XXXXXX)}"
mkdir -p "$dir"
failed=0
for target in "$@"; do
  name="$(basename "$target" .spec.ts)"
  started=$(date +%s)
  if [ "$target" = unit ]; then
    cmd=(env TEST_TYPE=unit NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand --forceExit)
  else
    cmd=(env TEST_TYPE=integration NODE_OPTIONS=--experimental-vm-modules npx jest --forceExit "$target")
  fi
  if "$here/at-clock.sh" "$instant" -- "${cmd[@]}" >"$dir/$name.log" 2>&1; then status=pass; else status=FAIL; failed=$((failed + 1)); fi
  tests="$(grep -E '^Tests:' "$dir/$name.log" | tail -1)"
  echo "$instant $name: $status in $(( $(date +%s) - started )) s — ${tests:-no summary} (log: $dir/$name.log)" | tee -a "$dir/summary.txt"
done
echo "$instant: $failed failed run(s)" | tee -a "$dir/summary.txt"
[ "$failed" -eq 0 ]
