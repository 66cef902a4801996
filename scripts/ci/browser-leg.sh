#!/usr/bin/env bash
# Browser leg: the admin extensions in a real Chromium (integration-tests/browser/run.mjs: one boot of the demo store,
# then every flow — admin, placements/analytics, list states, keyboard-only pass — against it).
# Installs Debian's chromium with apt when it is missing, then runs `npm run test:browser`.
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { echo "[browser-leg] $*"; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else log "need root (or sudo) to run: $*"; return 1
  fi
}

if ! command -v chromium >/dev/null 2>&1; then
  log "chromium missing: installing Debian's chromium"
  t0=$SECONDS
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium </dev/null
  log "installed $(chromium --version 2>/dev/null | head -1) in $((SECONDS - t0)) s"
fi

CHROMIUM="$(command -v chromium)" npm run test:browser
