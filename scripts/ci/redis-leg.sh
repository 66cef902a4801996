#!/usr/bin/env bash
# Redis leg: the integration suites that genuinely exercise Redis, with event-bus-redis, workflow-engine-redis and
# locking-redis switched on (the root medusa-config.ts does that when REDIS_URL is set) and the plugin's membership
# cache and rate limiter on Redis. Not the whole suite (the test leg runs that on the local bus): only the suites
# where Redis changes behaviour — the real-time pipeline (Redis bus + workflow engine + locking), store tracking and
# consent (events through the Redis bus), the membership cache (incl. Redis stopped mid-suite), rate limits and
# faults, and the server + worker scale-out. Starts a private, non-persistent redis-server on a free 127.0.0.1 port
# and stops it again, also on failure.
#
# Env: CI_TMP (scratch parent dir, default /tmp), CI_PIDS_FILE (records "pid <n>" for .ci/run's trap),
#      REDIS_SUITES (jest path regex; default below).
set -euo pipefail
cd "$(dirname "$0")/../.."

log() { echo "[redis-leg] $*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else log "need root (or sudo) to run: $*"; return 1
  fi
}

if ! command -v redis-server >/dev/null 2>&1; then
  log "redis-server missing: installing Debian's redis-server"
  t0=$SECONDS
  # Keep apt from starting the packaged service on :6379 (we start our own below). Only if the machine has no
  # policy of its own, and removed again afterwards.
  policy_added=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    as_root sh -c 'printf "#!/bin/sh\nexit 101\n" > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d'
    policy_added=1
  fi
  rc=0
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || rc=$?
  if [ "$rc" = 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server </dev/null || rc=$?
  fi
  if [ "$policy_added" = 1 ]; then as_root rm -f /usr/sbin/policy-rc.d; fi
  [ "$rc" = 0 ] || { log "apt-get failed ($rc)"; exit "$rc"; }
  log "installed $(redis-server --version | head -1) in $((SECONDS - t0)) s"
fi

parent="${CI_TMP:-${TMPDIR:-/tmp}}"
mkdir -p "$parent"
dir="$(mktemp -d "$parent/mp-redis-XXXXXX")"
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
pidfile="$dir/redis.pid"

stop_redis() {
  local pid=""
  [ -f "$pidfile" ] && pid="$(cat "$pidfile" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    log "redis-server (pid $pid) stopped"
  fi
  rm -rf "$dir"
}
trap stop_redis EXIT

# Every flag explicit: no config file, loopback only, no RDB/AOF persistence, private pid/log/dir.
redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes \
  --daemonize yes --pidfile "$pidfile" --logfile "$dir/redis.log" --dir "$dir" \
  --save "" --appendonly no >/dev/null

for _ in $(seq 1 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
[ -s "$pidfile" ] || { log "redis-server did not write its pid file"; cat "$dir/redis.log" || true; exit 1; }
[ -n "${CI_PIDS_FILE:-}" ] && echo "pid $(cat "$pidfile")" >>"$CI_PIDS_FILE"
ok=0
for _ in $(seq 1 50); do
  if [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = "PONG" ]; then ok=1; break; fi
  sleep 0.1
done
[ "$ok" = 1 ] || { log "redis-server does not answer PING"; cat "$dir/redis.log" || true; exit 1; }
log "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p') on 127.0.0.1:$port (pid $(cat "$pidfile"))"

suites="${REDIS_SUITES:-integration-tests/http/(pipeline|consent-tracking|cache|scale-out|rate-limits?|faults?)\.spec\.ts}"
log "suites: $suites"
rc=0
# One suite at a time here (npm test runs two jest workers): two Medusa apps on one Redis would share the event
# bus and workflow queues and take each other's jobs.
REDIS_URL="redis://127.0.0.1:$port" TEST_TYPE=integration NODE_OPTIONS=--experimental-vm-modules \
  npx jest --runInBand --forceExit "$suites" || rc=$?

# Scale-out: a server and two workers (production build) against one Postgres and this Redis (db 7), plus faults
# 3(a)/3(b) of issue #10: a worker SIGKILLed during a 20,000-event load, and this redis-server shut down (SHUTDOWN
# SAVE) and started again by the script with the same flags on the same port/pid file/dir (stop_redis still finds it).
log "scale-out: server + 2 workers, worker SIGKILL under load, Redis stopped under load"
REDIS_URL="redis://127.0.0.1:$port" node scripts/ci/scale-out.mjs || rc=$?

# The suite must really have gone through Redis (event bus / workflow engine leave BullMQ keys behind).
keys="$(redis-cli -h 127.0.0.1 -p "$port" dbsize 2>/dev/null || echo 0)"
log "keys left in redis after the suite: $keys"
if [ "${keys:-0}" -eq 0 ]; then
  log "REDIS_URL was set but nothing reached Redis: are the redis modules wired in medusa-config.ts?"
  [ "$rc" != 0 ] || rc=1
fi
exit "$rc"
