#!/usr/bin/env bash
# Journeys leg: the promises walked end to end over public HTTP (integration-tests/journeys/run.mjs) on the demo store
# exactly as `npm run dev` seeds it, booted once in production mode (embedded Postgres, migrations, `medusa start`,
# no admin build). Every step is printed with its timing; the leg fails on any failed step.
# Env: JOURNEYS=shopper,experiment (a subset), CI_TMP / CI_PIDS_FILE (from .ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."

# --- demo journey (issue #25): the lines `npm run dev` prints and README's examples use curl and jq -----------------
missing=()
for tool in curl jq; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[journeys-leg] installing ${missing[*]} (the demo journey runs the printed curl lines)"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi
# ---------------------------------------------------------------------------------------------------------------------

t0=$SECONDS
rc=0
node integration-tests/journeys/run.mjs || rc=$?
echo "[journeys-leg] wall time $((SECONDS - t0)) s, exit $rc"
exit "$rc"
