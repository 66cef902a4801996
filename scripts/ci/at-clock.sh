#!/usr/bin/env bash
# Runs a command with the clock of its whole process tree — node, jest's workers, the embedded Postgres the jest
# global setup starts (so SQL now() agrees with Date.now()) — moved to a given UTC instant, from which it keeps
# ticking. Uses libfaketime (Debian/Ubuntu: apt-get install faketime) with one fixed offset from the real clock for
# every process, so processes started later do not drift apart. Finds calendar bugs: run the suite at 23:59:30 UTC
# and on the last day of a month (see docs/testing.md, "Determinism").
#   scripts/ci/at-clock.sh 2027-03-31T23:59:30Z -- npm run test:unit
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 <ISO instant, e.g. 2027-03-31T23:59:30Z> [--] <command…>" >&2; exit 2; fi
target="$1"; shift
[ "${1:-}" = "--" ] && shift
lib=""
for candidate in /usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1 /usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1 /usr/lib/faketime/libfaketimeMT.so.1 /usr/local/lib/faketime/libfaketimeMT.so.1; do
  if [ -f "$candidate" ]; then lib="$candidate"; break; fi
done
if [ -z "$lib" ]; then echo "libfaketime not found: apt-get install faketime" >&2; exit 3; fi
if ! target_s=$(date -u -d "$target" +%s 2>/dev/null); then echo "not a date: $target" >&2; exit 2; fi
offset=$(( target_s - $(date -u +%s) ))
export LD_PRELOAD="$lib${LD_PRELOAD:+:$LD_PRELOAD}"
export FAKETIME="$( [ "$offset" -ge 0 ] && echo "+$offset" || echo "$offset" )"
export DONT_FAKE_MONOTONIC=1 # timers and timeouts run on real time; only the wall clock moves
export TZ="${TZ:-UTC}"
echo "[at-clock] wall clock moved to $(date -u +%Y-%m-%dT%H:%M:%SZ) (offset ${FAKETIME} s, TZ=$TZ): $*" >&2
exec "$@"
