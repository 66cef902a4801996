#!/usr/bin/env node
// Scale-out check (issue #9), run by the CI Redis leg: Medusa as a `server` process plus `worker` processes against
// ONE Postgres and ONE Redis (event-bus-redis, workflow-engine-redis, locking-redis, the plugin's cache in Redis),
// all from the production build. It checks two facts:
//   1. events accepted by the server are processed by a worker: with only the server up, a storefront
//      registration queues `customer.created` in Redis and nothing processes it; once a worker starts, the
//      personalization pipeline creates the customer's profile;
//   2. the minute job for exact-time exits runs once per minute across instances: with two workers up for three
//      whole minutes it runs about three times (counted in Redis by the job, `mp:runs:…`), not six.
// and two faults of issue #10 (scripts/ci/faults-scale.mjs; figures in docs/security.md):
//   3. fault 3(b), run inside check 2's three-minute window: 20,000 events (batches of 50, 120 subjects) while
//      worker-2 is SIGKILLed and restarted → no event lost or stored twice, the memberships of five count-based
//      behavioural segments exactly what the stored events say, consistency checker clean;
//   4. fault 3(a): the Redis server shut down for 15 s during a store load and started again on the same port →
//      no store read fails, the membership cache moves to a new generation and refills, queued work completes and
//      GET /me agrees with the stored events for every subject.
// Needs REDIS_URL (a Redis it may use a private db index of). DATABASE_URL optional (else embedded Postgres).
// Flags: --reuse-build (skip `medusa build` when .medusa/server is there).
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import pg from "pg"
import Redis from "ioredis"
import { buildApp, migrate, createAdmin, startMedusa, stopAll, database, freePort } from "../../bench/lib/app.mjs"
import { EVENT_TYPE, consistency, createProbeSegments, createSubjects, meCheck, queueCounts, redisOutage, verifyPipeline, workerKillLoad } from "./faults-scale.mjs"

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

/** Waits (bounded) until the event-bus queue is empty and the memberships are exactly what the stored events say. */
async function settle(client, redis, b, timeoutMs) {
  const t0 = Date.now()
  let verdict, queue
  for (;;) {
    queue = await queueCounts(redis)
    verdict = await verifyPipeline(client, b)
    if (queue.pending === 0 && verdict.ok) return { ok: true, at: Date.now(), verdict, queue }
    if (Date.now() - t0 > timeoutMs) return { ok: false, at: Date.now(), verdict, queue }
    await sleep(1_000)
  }
}

/** Why a subject's memberships are not what its events say: the subjects concerned and the processes' log lines. */
async function explainUnsettled(client, b, procs) {
  const rows = (
    await client.query(
      `SELECT p.id, p.visitor_id, p.customer_id, p.evaluated_at, p.last_seen_at,
              (SELECT count(*)::int FROM personalization_behavior_event e WHERE e.profile_id = p.id AND e.type = $2 AND e.deleted_at IS NULL) AS events,
              (SELECT string_agg(s.handle, ',') FROM personalization_segment_membership m JOIN personalization_segment s ON s.id = m.segment_id
                WHERE m.profile_id = p.id AND m.exited_at IS NULL AND m.deleted_at IS NULL) AS open
         FROM personalization_customer_profile p
        WHERE p.deleted_at IS NULL AND (p.customer_id = ANY($1) OR p.visitor_id = ANY($3))`,
      [b.subjects.filter((s) => s.customer_id).map((s) => s.customer_id), EVENT_TYPE, b.subjects.filter((s) => s.visitor_id).map((s) => s.visitor_id)]
    )
  ).rows
  const wrong = rows.filter((r) => {
    const want = b.segments.filter((s) => r.events >= s.k).map((s) => s.handle).sort().join(",")
    const got = (r.open ?? "").split(",").filter((h) => b.segments.some((s) => s.handle === h)).sort().join(",")
    return want !== got
  })
  for (const r of wrong.slice(0, 5)) {
    log(`  unsettled: ${r.visitor_id ?? r.customer_id} (${r.id}) events ${r.events}, open: ${r.open ?? "none"}, evaluated_at ${r.evaluated_at?.toISOString?.() ?? r.evaluated_at}, last_seen_at ${r.last_seen_at?.toISOString?.() ?? r.last_seen_at}`)
  }
  const lines = new Set()
  for (const [name, w] of Object.entries(procs)) {
    for (const line of w.output().split("\n")) {
      if (/personalization|lock|stalled|error/i.test(line) && wrong.some((r) => line.includes(r.id) || line.includes(r.customer_id ?? "\u0000"))) lines.add(`${name}: ${line.slice(0, 300)}`)
    }
  }
  for (const line of [...lines].slice(0, 8)) log(`  log ${line}`)
  return wrong.length
}

/**
 * Fault 3(b): 20,000 events from 120 subjects (8 customers, 112 visitors, all with consent) in batches of 50 while
 * worker-2 is SIGKILLed and started again; then, bounded, the queue drains and every check holds.
 */
async function faultWorkerKill({ api, admin, pk, apiKeyId, server, procs, env, client, redis, redisUrl, setKilling, problems }) {
  const t0 = Date.now()
  const tag = Date.now().toString(36)
  const segments = await createProbeSegments(api, admin, tag)
  const subjects = await createSubjects(api, pk, { total: 120, customers: 8, tag })
  // A region, so GET /store/personalization/sections can price (the store has none by default).
  const { region } = await api("POST", "/admin/regions", { name: `Faults ${tag}`, currency_code: "eur" }, admin)
  const { sales_channel } = await api("POST", "/admin/sales-channels", { name: `Faults ${tag}` }, admin)
  await api("POST", `/admin/api-keys/${apiKeyId}/sales-channels`, { add: [sales_channel.id] }, admin)
  log(`fault 3(b): ${segments.length} segments (event('${EVENT_TYPE}').count(last 1d) >= k), ${subjects.length} subjects with consent in ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  const figures = await workerKillLoad({
    serverUrl: server.url,
    subjects,
    total: 20_000,
    redis,
    redisUrl,
    log,
    victim: () => {
      setKilling(true)
      return { ...procs.worker2, name: "worker-2" }
    },
    restart: async () => {
      procs.worker2 = await startMedusa({ name: "worker-2", port: await freePort(), env: { ...env, MEDUSA_WORKER_MODE: "worker" }, log })
      setKilling(false)
    },
  })
  log(`load: ${figures.batches} batches in ${figures.load_seconds.toFixed(1)} s, answers ${JSON.stringify(figures.answers)}; accepted ${figures.accepted}, duplicates ${figures.duplicates}; worker-2 back after ${figures.restart_seconds?.toFixed(1)} s`)
  const b = { subjects, segments, regionId: region.id }
  const settled = await settle(client, redis, b, 180_000)
  await figures.close()
  if (!settled.ok) {
    const n = await explainUnsettled(client, b, procs)
    problems.push(`fault 3(b): pipeline not settled 180 s after the load: ${n} subject(s) with wrong memberships; queue ${JSON.stringify(settled.queue)}; ${JSON.stringify(settled.verdict)}`)
  }
  const report = await consistency(client)
  const v = settled.verdict
  log(`after the kill: accepted ${v.accepted}, stored ${v.stored}, lost ${v.lost}, duplicated ${v.duplicated}; memberships ${v.memberships_actual}/${v.memberships_expected} (missing ${v.missing}, extra ${v.extra}, duplicate open ${v.duplicate_open}); traits missing ${v.traits_missing}`)
  const failedLines = Object.values(procs).flatMap((w) => w.output().split("\n").filter((l) => /after tracked events failed/.test(l)))
  log(`evaluations logged as failed by the running processes (log tails): ${failedLines.length}${failedLines.length ? ` e.g. ${failedLines[0].slice(0, 300)}` : ""}`)
  log(`${settled.ok ? "settled" : "NOT settled"} ${((settled.at - figures.load_done_at) / 1000).toFixed(1)} s after the load, ${((settled.at - figures.killed_at) / 1000).toFixed(1)} s after the kill; stalled jobs re-delivered: ${figures.stalled.length}, failed jobs: ${figures.failed.length} ${JSON.stringify(figures.failed.slice(0, 3))}; queue ${JSON.stringify(settled.queue)}`)
  log(`consistency checker: ${report.segments_checked} segments, ${report.differences.length} differences ${JSON.stringify(report.totals)}`)
  // Recorded, not thrown at once: fault 3(a) still runs, so one run gives every figure; main() fails at the end.
  if (!report.ok) problems.push(`consistency checker found differences after the kill: ${JSON.stringify(report.differences.slice(0, 3))}`)
  if (figures.accepted !== 20_000) fail(`accepted ${figures.accepted} of 20000 events (expected all: consent granted, fresh ids)`)
  b.figures = {
    ...figures,
    close: undefined,
    stalled: figures.stalled.length,
    failed: figures.failed.length,
    settled: settled.ok,
    evaluations_failed_logged: failedLines.length,
    settle_after_load_s: (settled.at - figures.load_done_at) / 1000,
    settle_after_kill_s: (settled.at - figures.killed_at) / 1000,
    verdict: v,
    consistency_differences: report.differences.length,
    seconds: (Date.now() - t0) / 1000,
  }
  return b
}

async function main() {
  if (!process.env.REDIS_URL) fail("REDIS_URL is required (run through scripts/ci/redis-leg.sh)")
  // A private db index of the given Redis, emptied first: queues left by other suites cannot interfere.
  const base = new URL(process.env.REDIS_URL)
  base.pathname = "/7"
  const redisUrl = base.toString()
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 })
  redis.on("error", () => {}) // fault 3(a) stops Redis on purpose; commands still fail loudly
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
    const procs = { server, worker1 }
    procs.worker2 = await startMedusa({ name: "worker-2", port: await freePort(), env: { ...env, MEDUSA_WORKER_MODE: "worker" }, log })
    const bothUp = Date.now()
    // Three whole minutes that start after both workers are up. A run is counted in the minute it *executes*
    // (a loaded machine can start one late, into the next minute), so the check is on the total: once per
    // instance would be about 2 × 3 runs; once across instances is 3 ± 1.
    const firstMinute = Math.ceil(bothUp / 60_000) * 60_000
    const minutes = [firstMinute, firstMinute + 60_000, firstMinute + 120_000]
    const until = minutes[2] + 60_000 + 20_000 // the last minute's run has had 20 s to finish
    log(`watching minutes ${minutes.map((m) => new Date(m).toISOString().slice(11, 16)).join(", ")} UTC (about ${Math.round((until - Date.now()) / 1000)} s)`)
    // --- 3. fault 3(b) of issue #10, inside that window (it would otherwise only wait) --------------------------
    let killing = false
    const problems = []
    const faultB = faultWorkerKill({ api, admin, pk, apiKeyId: api_key.id, server, procs, env, client, redis, redisUrl, setKilling: (v) => (killing = v), problems })
    faultB.catch(() => {}) // awaited below; do not crash the watch loop with an unhandled rejection
    while (Date.now() < until) {
      for (const w of Object.values(procs)) {
        if (killing && w === procs.worker2) continue
        if (w.child.exitCode !== null || w.child.signalCode) fail(`a process died:\n${w.output().slice(-3000)}`)
      }
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
    log("minute job once across instances: OK")
    const tB = Date.now()
    const b = await faultB
    log(`fault 3(b) finished ${((Date.now() - tB) / 1000).toFixed(0)} s after the minute-job window: OK`)

    // --- 4. fault 3(a) of issue #10: the Redis server stopped during a store load ------------------------------
    const tA = Date.now()
    const a = await redisOutage({ serverUrl: server.url, redisUrl, subjects: b.subjects, regionId: b.regionId, log })
    log(`reads during the load: ${JSON.stringify(a.reads.byStatus)} (during the outage: ${JSON.stringify(a.reads.during.byStatus)}, slowest ${a.reads.during.maxMs ?? 0} ms)`)
    log(`writes (1 event every 0.5 s): ${a.writes.total}, ${a.writes.during_outage} sent during the outage → ${JSON.stringify(a.writes.during_statuses)}, slowest ${a.writes.during_max_ms} ms, ${a.writes.gave_up} gave up${a.writes.first5xx ? `; first 5xx: ${a.writes.first5xx}` : ""}`)
    log(`membership cache: new generation and refilled ${a.cache_refilled_after_s ?? "NEVER"} s after Redis was back`)
    if (a.reads_5xx) fail(`${a.reads_5xx} store reads answered 5xx while Redis was down`)
    if (a.reads_failed) fail(`${a.reads_failed} store reads failed (not 2xx) around the Redis outage: ${JSON.stringify(a.reads.byStatus)}; first: ${a.reads.firstFailure}`)
    // Writes may be refused while Redis is down, but as 503 + Retry-After (the batch is resent), never a bare 5xx.
    const bare5xx = Object.entries(a.writes.during_statuses).filter(([st]) => Number(st) >= 500 && Number(st) !== 503)
    if (bare5xx.length) problems.push(`events writes during the Redis outage answered ${JSON.stringify(Object.fromEntries(bare5xx))} (expected 202 or 503 with Retry-After); first: ${a.writes.first5xx}`)
    if (a.cache_refilled_after_s === null) fail("the membership cache did not move to a new generation and refill within 60 s of Redis returning")
    for (const w of Object.values(procs)) if (w.child.exitCode !== null || w.child.signalCode) fail(`a process died during the Redis outage:\n${w.output().slice(-3000)}`)
    // Queued work continues: the events written around the outage end up in the memberships, like the rest.
    const settled = await settle(client, redis, b, 120_000)
    if (!settled.ok) {
      const n = await explainUnsettled(client, b, procs)
      problems.push(`fault 3(a): pipeline not settled 120 s after Redis was back: ${n} subject(s) with wrong memberships; queue ${JSON.stringify(settled.queue)}; ${JSON.stringify(settled.verdict)}`)
    }
    const recoverS = (settled.at - a.redis_up_at) / 1000
    log(`after the outage: ${JSON.stringify(settled.verdict)}; pipeline idle and memberships exact ${recoverS.toFixed(1)} s after Redis was back`)
    const me = await meCheck(server.url, client, b)
    log(`GET /me after recovery: ${me.checked} subjects, ${me.wrong} with wrong segments, ${me.failed} not 200`)
    if (me.failed || (settled.ok && me.wrong)) problems.push(`GET /me after the Redis outage: ${me.wrong} subjects with wrong segments, ${me.failed} not 200`)
    const report2 = await consistency(client)
    log(`consistency checker after the outage: ${report2.segments_checked} segments, ${report2.differences.length} differences`)
    if (!report2.ok) problems.push(`consistency checker after the Redis outage: ${JSON.stringify(report2.differences.slice(0, 3))}`)
    log(`fault 3(a) took ${((Date.now() - tA) / 1000).toFixed(0)} s`)
    console.log(`[scale-out] FIGURES ${JSON.stringify({ b: b.figures, a: { ...a, reads: undefined, reads_by_status: a.reads.byStatus, reads_during_outage: a.reads.during, recover_seconds: recoverS, me, consistency_differences: report2.differences.length } })}`)
    if (problems.length) fail(problems.join("\n"))
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
