#!/usr/bin/env node
// Scale-out check (issue #9), run by the CI Redis leg: Medusa as a `server` process plus `worker` processes against
// ONE Postgres and ONE Redis (event-bus-redis, workflow-engine-redis, locking-redis, the plugin's cache in Redis),
// all from the production build. It checks two facts:
//   1. events accepted by the server are processed by a worker: with only the server up, a storefront
//      registration queues `customer.created` in Redis and nothing processes it; once a worker starts, the
//      personalization pipeline creates the customer's profile;
//   2. the minute job for exact-time exits runs once per minute across instances: with two workers up for three
//      whole minutes it runs about three times (counted in Redis by the job, `mp:runs:…`), not six.
// Needs REDIS_URL (a Redis it may use a private db index of). DATABASE_URL optional (else embedded Postgres).
// Flags: --reuse-build (skip `medusa build` when .medusa/server is there).
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import pg from "pg"
import Redis from "ioredis"
import { buildApp, migrate, createAdmin, startMedusa, stopAll, database, freePort } from "../../bench/lib/app.mjs"

const log = (m) => console.log(`[scale-out] ${m}`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const fail = (m) => {
  throw new Error(m)
}

async function waitFor(check, what, timeoutMs) {
  const t0 = Date.now()
  for (;;) {
    const v = await check()
    if (v) return v
    if (Date.now() - t0 > timeoutMs) fail(`timed out waiting for ${what}`)
    await sleep(500)
  }
}

async function main() {
  if (!process.env.REDIS_URL) fail("REDIS_URL is required (run through scripts/ci/redis-leg.sh)")
  // A private db index of the given Redis, emptied first: queues left by other suites cannot interfere.
  const base = new URL(process.env.REDIS_URL)
  base.pathname = "/7"
  const redisUrl = base.toString()
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  await redis.flushdb()

  const tmp = fs.mkdtempSync(path.join(process.env.CI_TMP || os.tmpdir(), "mp-scale-out-"))
  fs.chmodSync(tmp, 0o755)
  const db = await database({ dir: path.join(tmp, "pg"), name: "mp_scale_out", log })
  // Interrupted (Ctrl-C, CI timeout): stop the Medusa processes and Postgres we started, then leave.
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, async () => {
      await stopAll().catch(() => {})
      await db.stop().catch(() => {})
      fs.rmSync(tmp, { recursive: true, force: true })
      process.exit(130)
    })
  }
  const env = { DATABASE_URL: db.url, REDIS_URL: redisUrl, MP_RATE_LIMIT: JSON.stringify({ enabled: false }) }
  const client = new pg.Client({ connectionString: db.url })
  try {
    await buildApp({ reuse: process.argv.includes("--reuse-build"), log })
    await migrate(env, log)
    await createAdmin(env, "admin@scale.out", "supersecret")
    await client.connect()

    // --- 1. server accepts, worker processes ---------------------------------------------------------------
    const server = await startMedusa({ name: "server", port: await freePort(), env: { ...env, MEDUSA_WORKER_MODE: "server" }, log })
    const api = async (method, url, body, headers = {}) => {
      const res = await fetch(server.url + url, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const data = await res.json().catch(() => ({}))
      if (res.status >= 300) fail(`${method} ${url}: ${res.status} ${JSON.stringify(data)}`)
      return data
    }
    const { token: adminToken } = await api("POST", "/auth/user/emailpass", { email: "admin@scale.out", password: "supersecret" })
    const admin = { authorization: `Bearer ${adminToken}` }
    const { api_key } = await api("POST", "/admin/api-keys", { title: "scale-out", type: "publishable" }, admin)
    const pk = { "x-publishable-api-key": api_key.token }
    const email = `shopper-${Date.now()}@scale.out`
    const { token: regToken } = await api("POST", "/auth/customer/emailpass/register", { email, password: "s3cret-pass" })
    const { customer } = await api("POST", "/store/customers", { email, first_name: "Scale", last_name: "Out" }, { ...pk, authorization: `Bearer ${regToken}` })
    log(`server accepted customer ${customer.id}`)

    // The event sits in the Redis queue; the server process runs no subscribers.
    const queued = await waitFor(async () => {
      // event-bus-redis's BullMQ queue "events-queue" (prefix RedisEventBusService): one hash per job.
      const keys = (await redis.keys("*events-queue:*")).filter((k) => /:events-queue:\d+$/.test(k))
      return keys.length ? keys : null
    }, "customer.created in the Redis event queue", 30_000)
    log(`jobs queued in Redis by the server: ${queued.length}`)
    const profileOf = async () =>
      (await client.query(`SELECT id FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL`, [customer.id])).rows[0]
    // Give a (wrongly) subscribing server every chance to process it, then demand that it has not.
    await sleep(5_000)
    if (await profileOf()) fail("the server process handled customer.created itself (subscribers must run in workers)")
    log("no profile while only the server runs: OK")

    const worker1 = await startMedusa({ name: "worker-1", port: await freePort(), env: { ...env, MEDUSA_WORKER_MODE: "worker" }, log })
    const profile = await waitFor(profileOf, "the worker to build the customer's profile", 120_000)
    log(`worker processed the event: profile ${profile.id}: OK`)

    // --- 2. the minute job runs once across instances ---------------------------------------------------------
    const worker2 = await startMedusa({ name: "worker-2", port: await freePort(), env: { ...env, MEDUSA_WORKER_MODE: "worker" }, log })
    const bothUp = Date.now()
    // Three whole minutes that start after both workers are up. A run is counted in the minute it *executes*
    // (a loaded machine can start one late, into the next minute), so the check is on the total: once per
    // instance would be about 2 × 3 runs; once across instances is 3 ± 1.
    const firstMinute = Math.ceil(bothUp / 60_000) * 60_000
    const minutes = [firstMinute, firstMinute + 60_000, firstMinute + 120_000]
    const until = minutes[2] + 60_000 + 20_000 // the last minute's run has had 20 s to finish
    log(`watching minutes ${minutes.map((m) => new Date(m).toISOString().slice(11, 16)).join(", ")} UTC (about ${Math.round((until - Date.now()) / 1000)} s)`)
    while (Date.now() < until) {
      for (const w of [server, worker1, worker2]) if (w.child.exitCode !== null) fail(`a process died:\n${w.output().slice(-3000)}`)
      await sleep(2_000)
    }
    const counts = []
    for (const m of [...minutes, minutes[2] + 60_000]) {
      const key = `mp:runs:exit-due-memberships:${new Date(m).toISOString().slice(0, 16)}`
      counts.push(Number((await redis.get(key)) ?? 0))
    }
    const total = counts.slice(0, 3).reduce((a, b) => a + b, 0)
    log(`exit-due-memberships runs per minute with two workers: ${counts.slice(0, 3).join(", ")} (next minute so far: ${counts[3]}); total ${total} for 3 ticks`)
    if (total < 1) fail("the minute job did not run at all")
    if (total > 4) fail(`the minute job ran ${total} times in 3 minutes: once per instance, not once across instances`)
    log("PASS")
  } finally {
    await client.end().catch(() => {})
    redis.disconnect()
    await stopAll()
    await db.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[scale-out] FAIL: ${e.message}`)
    process.exit(1)
  }
)
