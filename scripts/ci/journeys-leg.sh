#!/usr/bin/env bash
# Journeys leg: the promises walked end to end over public HTTP (integration-tests/journeys/run.mjs) on the demo store
# exactly as `npm run dev` seeds it, booted once in production mode (embedded Postgres, migrations, `medusa start`,
# no admin build). Every step is printed with its timing; the leg fails on any failed step.
# Env: JOURNEYS=shopper,experiment (a subset), CI_TMP / CI_PIDS_FILE (from .ci/run).
set -euo pipefail
cd "$(dirname "$0")/../.."

t0=$SECONDS
rc=0
node integration-tests/journeys/run.mjs || rc=$?
echo "[journeys-leg] wall time $((SECONDS - t0)) s, exit $rc"
exit "$rc"
