#!/usr/bin/env node
// `npm run bench` — the issue #9 benchmark (not part of `npm test`). Production mode: `medusa build` + `medusa start`
// (bench/lib/app.mjs) on an embedded Postgres (or DATABASE_URL), demo store seeded, then --profiles visitor profiles
// with 10 behaviour events each generated set-based in SQL (bench/lib/generate.mjs). HTTP load comes from autocannon
// in a SECOND process (bench/lib/load.mjs); latencies of the real-time path and the batch paths from timers here.
// Prints the table and writes bench-results.json (git-ignored).
//
//   npm run bench -- [--profiles 100000] [--events-per-profile 10] [--duration 30] [--connections 10]
//                    [--reuse-build] [--smoke]      (--smoke: short legs, exits non-zero only on errors)
//                    [--only realtime,rss,...]     (legs: refresh, explain, preview, realtime, load, rss, rules;
//                                                   events = only /store/regions + the events leg)
//                    [--rt-samples 40]
//                    [--redis [redis://…]]  (the real-time leg again on the Redis event bus; no URL: a private redis-server)
//                    [--keep-db DIR]   (Postgres data kept in DIR; a later run with the same --profiles reuses the
//                                       generated profiles/events and clears everything else the plugin wrote)
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { spawn } from "node:child_process"
import pg from "pg"
import { ROOT, SERVER_DIR, buildApp, migrate, createAdmin, startMedusa, stopAll, database, freePort, run } from "./lib/app.mjs"
import { generate, BENCH_SEGMENTS } from "./lib/generate.mjs"

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`))
  if (i < 0) return dflt
  const a = args[i]
  return a.includes("=") ? a.split("=")[1] : args[i + 1]
}
const smoke = args.includes("--smoke")
const PROFILES = Number(opt("profiles", 100_000))
const EVENTS_PER_PROFILE = Number(opt("events-per-profile", 10))
const DURATION = Number(opt("duration", smoke ? 5 : 30))
const CONNECTIONS = Number(opt("connections", 10))
const RT_SAMPLES = Number(opt("rt-samples", smoke ? 6 : 40))
const ONLY = opt("only", null)
const KEEP_DB = opt("keep-db", null)
// --redis: also time the real-time path on the Redis event bus (a private redis-server on a free port, or the URL given).
const REDIS = (() => {
  const v = opt("redis", undefined)
  if (v === undefined) return args.includes("--redis") ? true : process.env.REDIS_URL || null
  return typeof v === "string" && v.startsWith("redis") ? v : true
})()
const want = (leg) => !ONLY || ONLY.split(",").includes(leg)
const log = (m) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const errors = []
const rows = []
const pct = (xs, p) => {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]
}
const ms = (x) => (x === null || x === undefined ? "n/a" : `${x.toFixed(1)} ms`)

function row(figure, target, measured, pass, notes = "") {
  rows.push({ figure, target, measured, pass, notes })
}

/** autocannon in a second process (bench/lib/load.mjs); returns its JSON summary. */
function load(spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bench/lib/load.mjs")], { stdio: ["pipe", "pipe", "inherit"] })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load process exited ${code}`))
      try {
        resolve(JSON.parse(out.trim().split("\n").pop()))
      } catch (e) {
        reject(new Error(`load process output: ${out.slice(-500)}`))
      }
    })
    child.stdin.end(JSON.stringify(spec))
  })
}

// MP_BENCH_HEAPSNAP=<dir>: both Medusa processes (plugin and bare) write a V8 heap snapshot to <dir> right after
// their boot RSS is read (SIGUSR2, --heapsnapshot-signal), to compare what each holds.
const HEAPSNAP = process.env.MP_BENCH_HEAPSNAP || ""
const heapArgs = () => (HEAPSNAP ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${HEAPSNAP}`] : [])
async function heapSnapshot(pid, label) {
  if (!HEAPSNAP) return
  const before = new Set(fs.readdirSync(HEAPSNAP))
  process.kill(pid, "SIGUSR2")
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 500))
    const fresh = fs.readdirSync(HEAPSNAP).filter((f) => !before.has(f) && f.endsWith(".heapsnapshot"))
    if (fresh.length) {
      // Written once the serialisation is done: wait for a non-empty size that holds still for 3 s.
      const size = () => fs.statSync(path.join(HEAPSNAP, fresh[0])).size
      for (let s0 = -1, still = 0; still < 3; ) {
        await new Promise((r) => setTimeout(r, 1000))
        const s1 = size()
        still = s1 > 0 && s1 === s0 ? still + 1 : 0
        s0 = s1
      }
      fs.renameSync(path.join(HEAPSNAP, fresh[0]), path.join(HEAPSNAP, `${label}.heapsnapshot`))
      return
    }
  }
}

function rssOf(pid) {
  // The medusa process and its children (the CLI may fork); kB → MB.
  try {
    const out = fs.readFileSync(`/proc/${pid}/status`, "utf8")
    return Number(/VmRSS:\s+(\d+)/.exec(out)[1]) / 1024
  } catch {
    return null
  }
}

/** CPU seconds used by a process, its reaped children and its live children (Linux /proc; null elsewhere). */
function cpuSeconds(pid) {
  if (!pid) return null
  try {
    const stat = (p) => fs.readFileSync(`/proc/${p}/stat`, "utf8").slice(fs.readFileSync(`/proc/${p}/stat`, "utf8").lastIndexOf(")") + 2).split(" ")
    const own = stat(pid)
    // fields after "(comm) ": state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14])
    for (const d of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(d)) continue
      try {
        const f = stat(d)
        if (Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12])
      } catch {}
    }
    return ticks / 100 // USER_HZ
  } catch {
    return null
  }
}

// Both Medusa processes get a SIGUSR2 handler that runs a full GC and writes process.memoryUsage()
// (bench/lib/gc-on-signal.cjs): RSS is compared after a collection, not at whatever point V8 last collected.
const gcArgs = ["--expose-gc", "-r", path.join(ROOT, "bench/lib/gc-on-signal.cjs")]
async function afterGc(pid) {
  const dir = process.env.MP_BENCH_MEM_DIR
  const file = path.join(dir, `mem-${pid}.json`)
  fs.rmSync(file, { force: true })
  try {
    process.kill(pid, "SIGUSR2")
  } catch {
    return null
  }
  for (let i = 0; i < 100; i++) {
    await sleep(100)
    if (fs.existsSync(file)) {
      await sleep(500) // let the freed pages go back to the OS before reading RSS
      const m = JSON.parse(fs.readFileSync(file, "utf8"))
      return { rss: rssOf(pid), heapUsedMb: m.heapUsed / 1048576, heapTotalMb: m.heapTotal / 1048576 }
    }
  }
  return null
}

/** A throwaway, non-persistent redis-server on a free port (for --redis). */
async function startRedis(dir, log) {
  const port = await freePort()
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" })
  const failed = new Promise((_, reject) => child.once("error", reject))
  const url = `redis://127.0.0.1:${port}`
  const { default: Redis } = await import("ioredis")
  for (let i = 0; ; i++) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    r.on("error", () => {})
    const ok = await Promise.race([r.connect().then(() => r.ping()).then(() => true, () => false), failed])
    r.disconnect()
    if (ok) break
    if (i > 100) throw new Error("redis-server did not answer")
    await sleep(100)
  }
  log(`redis-server on :${port}`)
  return { url, stop: async () => void child.kill("SIGTERM") }
}

/** --keep-db: the kept database holds exactly this run's --profiles and events. */
async function reusable(client) {
  const p = (await client.query(`SELECT count(*)::int AS n FROM personalization_customer_profile WHERE id LIKE 'pprof_bench_%'`)).rows[0].n
  if (p !== PROFILES) return false
  const e = (await client.query(`SELECT count(*)::int AS n FROM personalization_behavior_event WHERE id LIKE 'pev_bench_%'`)).rows[0].n
  return e === PROFILES * EVENTS_PER_PROFILE
}

/**
 * --keep-db: back to "generated data, nothing evaluated": every plugin table except profiles and events emptied, the
 * segments' customer groups removed, events the load legs added deleted, the profiles' scheduling columns reset.
 * Only ever run against the bench's own database.
 */
async function clearPluginState(client) {
  await client.query(`DELETE FROM customer_group_customer WHERE customer_group_id IN (SELECT customer_group_id FROM personalization_segment WHERE customer_group_id IS NOT NULL)`)
  await client.query(`DELETE FROM customer_group WHERE id IN (SELECT customer_group_id FROM personalization_segment WHERE customer_group_id IS NOT NULL)`)
  const tables = (
    await client.query(
      `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE 'personalization\\_%'
          AND tablename NOT IN ('personalization_customer_profile', 'personalization_behavior_event')`
    )
  ).rows.map((r) => `"${r.tablename}"`)
  if (tables.length) await client.query(`TRUNCATE ${tables.join(", ")}`)
  await client.query(`DELETE FROM personalization_behavior_event WHERE id NOT LIKE 'pev_bench_%'`)
  await client.query(`DELETE FROM personalization_customer_profile WHERE id NOT LIKE 'pprof_bench_%'`)
  await client.query(`UPDATE personalization_customer_profile SET next_change_at = NULL, evaluated_at = NULL WHERE next_change_at IS NOT NULL OR evaluated_at IS NOT NULL`)
  await client.query(`VACUUM ANALYZE personalization_customer_profile`)
  // TRUNCATE keeps the old statistics of the membership table until autovacuum. A --keep-db rerun right after a
  // full 1M run had 0 of 20 segments refreshed after 10 min (the fresh run: all 20 in 485 s); stale statistics are
  // the suspected cause (not confirmed), so they are refreshed here.
  await client.query(`ANALYZE personalization_segment_membership`)
}

async function main() {
  const t0 = Date.now()
  const machine = {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model,
    ram_gb: Math.round(os.totalmem() / 1e9),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadavg_at_start: os.loadavg().map((x) => Number(x.toFixed(2))),
  }
  log(`profiles=${PROFILES} events/profile=${EVENTS_PER_PROFILE} duration=${DURATION}s connections=${CONNECTIONS}${smoke ? " (smoke)" : ""}`)
  const tmp = fs.mkdtempSync(path.join(process.env.CI_TMP || os.tmpdir(), "mp-bench-"))
  fs.chmodSync(tmp, 0o755)
  process.env.MP_BENCH_MEM_DIR = tmp
  const pgDir = KEEP_DB ? path.resolve(KEEP_DB) : path.join(tmp, "pg")
  const db = await database({ dir: pgDir, name: "mp_bench", log, keep: Boolean(KEEP_DB) })
  // Interrupted (Ctrl-C, CI timeout): stop the Medusa processes and Postgres we started, then leave.
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, async () => {
      await stopAll().catch(() => {})
      await db.stop().catch(() => {})
      fs.rmSync(tmp, { recursive: true, force: true })
      process.exit(130)
    })
  }
  // The plugin's scheduled full refresh (hourly by default) would run beside whatever leg crosses the hour: Feb 29 only.
  const env = { DATABASE_URL: db.url, MP_RATE_LIMIT: JSON.stringify({ enabled: false }), MP_REFRESH_CRON: "0 0 29 2 *" }
  // The pipeline's opt-in timing (src/lib/pipeline/trace.ts): one JSON line per customer refresh.
  const traceFile = path.join(tmp, "pipeline-trace.jsonl")
  const client = new pg.Client({ connectionString: db.url })
  const result = { date: new Date().toISOString(), machine, options: { PROFILES, EVENTS_PER_PROFILE, DURATION, CONNECTIONS, smoke }, rows, errors, timings: {} }
  try {
    await buildApp({ reuse: args.includes("--reuse-build"), log })
    await migrate(env, log)
    await client.connect()
    const seeded = (await client.query(`SELECT count(*)::int AS n FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL`)).rows[0].n > 0
    if (!seeded) {
      await createAdmin(env, "admin@bench.local", "supersecret")
      log("seeding the demo store (products, region, publishable key)")
      await run(process.execPath, [path.join(ROOT, "node_modules/@medusajs/cli/cli.js"), "exec", "./src/scripts/seed-demo.js", "customers=20", "products=24"], {
        cwd: SERVER_DIR,
        env: { NODE_ENV: "production", MEDUSA_ADMIN_DISABLE: "true", ...env },
      })
    }
    const tg = Date.now()
    if (KEEP_DB && (await reusable(client))) {
      await clearPluginState(client)
      result.timings.generate_s = null
      result.reused_data = (await client.query(`SELECT min(created_at) AS at FROM personalization_customer_profile WHERE id LIKE 'pprof_bench_%'`)).rows[0].at
      log(`reusing the data in ${pgDir} (generated ${new Date(result.reused_data).toISOString()}); plugin state cleared in ${((Date.now() - tg) / 1000).toFixed(1)} s`)
    } else {
      if (KEEP_DB) await clearPluginState(client)
      await generate(client, { profiles: PROFILES, eventsPerProfile: EVENTS_PER_PROFILE, log })
      result.timings.generate_s = (Date.now() - tg) / 1000
    }

    const port = await freePort()
    // MP_BENCH_NODE_ARGS: extra node flags for the Medusa processes (the plugin's and, in the rss leg, the bare one),
    // e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" or "-r ./memory-logger.js".
    const nodeArgs = [...gcArgs, ...(process.env.MP_BENCH_NODE_ARGS || "").split(" ").filter(Boolean), ...heapArgs()]
    const app = await startMedusa({ name: "medusa", port, env: { ...env, MP_PIPELINE_TRACE: traceFile }, log, nodeArgs })
    const rssBoot = rssOf(app.pid)
    await heapSnapshot(app.pid, "plugin-boot")
    const base = app.url
    const httpTo = (origin) => async (method, url, body, headers = {}) => {
      const res = await fetch(origin + url, { method, headers: { "content-type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) })
      const data = await res.json().catch(() => ({}))
      if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(data).slice(0, 300)}`)
      return data
    }
    const http = httpTo(base)
    const { token } = await http("POST", "/auth/user/emailpass", { email: "admin@bench.local", password: "supersecret" })
    const admin = { authorization: `Bearer ${token}` }
    const pk = (await client.query(`SELECT token FROM api_key WHERE type = 'publishable' AND deleted_at IS NULL ORDER BY created_at LIMIT 1`)).rows[0].token
    const regionId = (await client.query(`SELECT id FROM region WHERE deleted_at IS NULL LIMIT 1`)).rows[0]?.id
    const productIds = (await client.query(`SELECT id FROM product WHERE deleted_at IS NULL AND status = 'published' ORDER BY created_at LIMIT 8`)).rows.map((r) => r.id)
    const store = { "x-publishable-api-key": pk }

    // --- batch refresh: 20 segments over all profiles + events ---------------------------------------------
    const segIds = []
    for (const [handle, rule_text] of BENCH_SEGMENTS) {
      const { segment } = await http("POST", "/admin/personalization/segments", { handle, name: handle, rule_text, status: "draft", is_public: true }, admin)
      segIds.push(segment.id)
    }
    // Activated in SQL so the timed refresh below is the only evaluation (an API activation refreshes inline).
    await client.query(`UPDATE personalization_segment SET status = 'active' WHERE id = ANY($1)`, [segIds])
    await http("POST", `/admin/personalization/segments/${segIds[0]}`, { description: "bench" }, admin) // bumps the cache generation
    if (want("refresh")) {
    // A refresh answers when it is done, which at 1M can take longer than fetch's 300 s headers timeout: node:http,
    // no timeout.
    const { request } = await import("node:http")
    const refreshOf = (id) =>
      new Promise((resolve, reject) => {
        const req = request(`${base}/admin/personalization/segments/${id}/refresh`, { method: "POST", headers: { "content-type": "application/json", ...admin } }, (res) => {
          let body = ""
          res.on("data", (d) => (body += d))
          res.on("end", () => {
            if (res.statusCode >= 300) return reject(new Error(`POST refresh ${id}: ${res.statusCode} ${body.slice(0, 300)}`))
            try {
              resolve(JSON.parse(body))
            } catch (e) {
              reject(e)
            }
          })
        })
        req.on("error", reject)
        req.end("{}")
      })
    const refreshTimes = []
    const pgPid = (() => {
      try {
        return Number(fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n")[0])
      } catch {
        return null
      }
    })()
    const cpu0 = { medusa: cpuSeconds(app.pid), pg: cpuSeconds(pgPid) }
    const tr = Date.now()
    for (const id of segIds) {
      const t = Date.now()
      await refreshOf(id)
      refreshTimes.push({ id, ms: Date.now() - t })
    }
    const refreshS = (Date.now() - tr) / 1000
    const cpu1 = { medusa: cpuSeconds(app.pid), pg: cpuSeconds(pgPid) }
    const cpuNote =
      cpu0.medusa !== null && cpu1.medusa !== null
        ? `; CPU used: Medusa ${(cpu1.medusa - cpu0.medusa).toFixed(1)} s${cpu0.pg !== null && cpu1.pg !== null ? `, Postgres ${(cpu1.pg - cpu0.pg).toFixed(1)} s` : ""}`
        : ""
    // Split: evaluate + diff + apply + group mirror (refresh_state.started_at → finished_at) vs what runs after the
    // finish step (exact-time scheduling for time-based rules, events, cart re-pricing).
    const states = (await client.query(`SELECT id, handle, refresh_state FROM personalization_segment WHERE id = ANY($1)`, [segIds])).rows
    const coreMs = states.reduce((a, r) => a + (Date.parse(r.refresh_state?.finished_at) - Date.parse(r.refresh_state?.started_at) || 0), 0)
    result.timings.refresh_core_s = coreMs / 1000
    result.timings.refresh_states = states.map((r) => ({ handle: r.handle, ...r.refresh_state }))
    result.timings.refresh_cpu = { medusa: cpu1.medusa - cpu0.medusa, postgres: cpu1.pg !== null ? cpu1.pg - cpu0.pg : null }
    const members = (await client.query(`SELECT count(*)::int AS n FROM personalization_segment_membership WHERE exited_at IS NULL AND deleted_at IS NULL`)).rows[0].n
    result.timings.refresh = refreshTimes
    row(
      `batch refresh, ${PROFILES.toLocaleString("en-US")} profiles + ${(PROFILES * EVENTS_PER_PROFILE).toLocaleString("en-US")} events × 20 segments`,
      "≤ 30 s (at 1M + 10M)",
      `${refreshS.toFixed(1)} s wall (${members.toLocaleString("en-US")} memberships entered; slowest segment ${(Math.max(...refreshTimes.map((r) => r.ms)) / 1000).toFixed(1)} s; evaluate+diff+apply+groups ${(coreMs / 1000).toFixed(1)} s, the rest is exact-time scheduling, events, carts${cpuNote})`,
      PROFILES >= 1_000_000 ? refreshS <= 30 : null,
      PROFILES < 1_000_000
        ? "run at a smaller scale than the target"
        : refreshS <= 30
          ? "from nothing (every membership written), met"
          : `from nothing: every one of the ${members.toLocaleString("en-US")} memberships is written (INSERT + its indexes) in this pass, which alone exceeds the target; the issue's basis is a small diff — see the steady-state row`
    )
    log(`batch refresh: ${refreshS.toFixed(1)} s, ${members} open memberships`)

    // Steady state: the issue's basis for the 30 s target ("applies an entry diff in ~0.35 s") is a refresh whose
    // diff is small. Change ~1 % of the profiles set-based (traits of every 100th profile, so trait segments flip;
    // fresh events for another 1 %, so behavioural windows flip), refresh the 20 segments again, then put the
    // traits back (the generator's own formulas) and drop the new events, so a --keep-db rerun starts equal.
    const steadyProfiles = "id LIKE 'pprof_bench_%' AND substr(id, 13)::bigint % 100 = 42"
    const evProfiles = "id LIKE 'pprof_bench_%' AND substr(id, 13)::bigint % 100 = 7"
    const traitsOf = (o) => `orders_count = ${o}, total_spent = (${o}) * 37.5, raw_total_spent = jsonb_build_object('value', ((${o}) * 37.5)::text, 'precision', 20),
           aov = CASE WHEN (${o}) > 0 THEN 37.5 ELSE 0 END, raw_aov = jsonb_build_object('value', CASE WHEN (${o}) > 0 THEN '37.5' ELSE '0' END, 'precision', 20),
           first_order_at = CASE WHEN (${o}) > 0 THEN now() - ((i % 700) || ' days')::interval END`
    try {
      const tc = Date.now()
      const changed = await client.query(
        `UPDATE personalization_customer_profile p
            SET ${traitsOf("(x.o + 4) % 13")},
                last_order_at = CASE WHEN (x.o + 4) % 13 > 0 THEN now() - ((i % 40) || ' days')::interval END,
                carts_abandoned = (i + 2) % 3, last_seen_at = now(),
                country = (ARRAY['NL','DE','US','FR','GB'])[1 + (i + 1) % 5], updated_at = now()
           FROM (SELECT id, substr(id, 13)::bigint AS i FROM personalization_customer_profile WHERE ${steadyProfiles}) s,
                LATERAL (SELECT (s.i * 7919) % 13 AS o) x
          WHERE p.id = s.id`
      )
      const events = await client.query(
        `INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at, created_at, updated_at)
         SELECT 'pev_steady_' || p.id || '_' || k, p.id, 'steady-' || p.id || '-' || k,
                (ARRAY['product_viewed', 'product_viewed', 'x_cart_viewed', 'x_search_performed'])[1 + k],
                jsonb_build_object('category', (ARRAY['sofas', 'lamps', 'desks', 'rugs'])[1 + (substr(p.id, 13)::bigint / 100 + k) % 4], 'product_id', 'prod_1'),
                now() - (k || ' minutes')::interval, now(), now()
           FROM personalization_customer_profile p, generate_series(0, 3) AS k
          WHERE ${evProfiles.replaceAll("id", "p.id")}`
      )
      await client.query(`ANALYZE personalization_customer_profile`)
      await client.query(`ANALYZE personalization_behavior_event`)
      log(`steady state: ${changed.rowCount} profiles' traits changed, ${events.rowCount} events added in ${((Date.now() - tc) / 1000).toFixed(1)} s`)
      const steady = []
      const c0 = { medusa: cpuSeconds(app.pid), pg: cpuSeconds(pgPid) }
      const ts = Date.now()
      for (const [k, id] of segIds.entries()) {
        const t = Date.now()
        const { refresh } = await refreshOf(id)
        steady.push({ id, handle: BENCH_SEGMENTS[k][0], ms: Date.now() - t, entered: refresh.entered, exited: refresh.exited, started_at: refresh.started_at, finished_at: refresh.finished_at })
      }
      const steadyS = (Date.now() - ts) / 1000
      const c1 = { medusa: cpuSeconds(app.pid), pg: cpuSeconds(pgPid) }
      const entered = steady.reduce((a, r) => a + (r.entered ?? 0), 0)
      const exited = steady.reduce((a, r) => a + (r.exited ?? 0), 0)
      result.timings.refresh_steady = steady
      result.timings.refresh_steady_s = steadyS
      result.timings.refresh_steady_cpu = { medusa: c1.medusa - c0.medusa, postgres: c1.pg !== null ? c1.pg - c0.pg : null }
      const cpu = c0.medusa !== null && c1.medusa !== null ? `; CPU used: Medusa ${(c1.medusa - c0.medusa).toFixed(1)} s${c0.pg !== null && c1.pg !== null ? `, Postgres ${(c1.pg - c0.pg).toFixed(1)} s` : ""}` : ""
      const slow = steady.reduce((a, r) => (r.ms > a.ms ? r : a), steady[0])
      row(
        "batch refresh, steady state (~1 % changed)",
        "≤ 30 s (at 1M + 10M)",
        `${steadyS.toFixed(1)} s wall for the 20 segments after ${changed.rowCount.toLocaleString("en-US")} profiles' traits changed and ${events.rowCount.toLocaleString("en-US")} events were added (${entered.toLocaleString("en-US")} entered, ${exited.toLocaleString("en-US")} exited; slowest segment ${slow.handle} ${(slow.ms / 1000).toFixed(1)} s${cpu})`,
        PROFILES >= 1_000_000 ? steadyS <= 30 : null,
        PROFILES < 1_000_000
          ? "run at a smaller scale than the target"
          : steadyS <= 30
            ? "met for a small diff (the issue's basis); the from-nothing row above writes every membership and is judged separately"
            : "missed even for a small diff: every refresh still evaluates its rule over all profiles/events"
      )
      log(`batch refresh, steady state: ${steadyS.toFixed(1)} s, ${entered} entered, ${exited} exited`)
    } finally {
      await client.query(
        `UPDATE personalization_customer_profile p
            SET ${traitsOf("x.o")},
                last_order_at = CASE WHEN x.o > 0 THEN now() - ((i % 400) || ' days')::interval END,
                carts_abandoned = i % 3, last_seen_at = now() - ((i % 60) || ' days')::interval,
                country = (ARRAY['NL','DE','US','FR','GB'])[1 + i % 5]
           FROM (SELECT id, substr(id, 13)::bigint AS i FROM personalization_customer_profile WHERE ${steadyProfiles}) s,
                LATERAL (SELECT (s.i * 7919) % 13 AS o) x
          WHERE p.id = s.id`
      )
      await client.query(`DELETE FROM personalization_behavior_event WHERE id LIKE 'pev_steady_%'`)
    }
    }

    // --- EXPLAIN of the top five queries ------------------------------------------------------------------------
    if (want("explain")) try {
      const explainOut = path.join(tmp, "explain.json")
      await run(process.execPath, [path.join(ROOT, "node_modules/ts-node/dist/bin.js"), "--transpile-only", "bench/explain.ts", JSON.stringify([segIds[10], BENCH_SEGMENTS[10][1]])], {
        cwd: ROOT,
        env: { DATABASE_URL: db.url, EXPLAIN_OUT: explainOut },
      })
      result.explain = JSON.parse(fs.readFileSync(explainOut, "utf8"))
      fs.writeFileSync(path.join(ROOT, "bench-explain.txt"), result.explain.map((e) => `## ${e.name}\n${e.plan}\n`).join("\n"))
      log("EXPLAIN of the top five queries written to bench-explain.txt")
    } catch (e) {
      errors.push(`explain: ${e.message.slice(0, 300)}`)
    }

    // --- segment preview (count + 20 samples) ----------------------------------------------------------------
    // Every bench rule (trait, window, mixed), one after the other through the admin route; the row is the slowest,
    // with the median and the per-rule times in bench-results.json (timings.preview_ms).
    if (want("preview")) try {
      const per = {}
      for (const [name, rule_text] of BENCH_SEGMENTS) {
        const t = Date.now()
        const res = await http("POST", "/admin/personalization/segments/preview", { rule_text, sample_size: 20 }, admin)
        per[name] = { ms: Date.now() - t, count: res.count }
      }
      result.timings.preview_ms = per
      const times = Object.values(per).map((x) => x.ms)
      const [slowest] = Object.entries(per).sort((a, b) => b[1].ms - a[1].ms)[0]
      row(
        "segment preview (count + 20 samples)",
        "≤ 1.5 s (at 1M + 10M)",
        `max ${Math.max(...times)} ms (${slowest}), median ${pct(times, 50)} ms over ${times.length} rules`,
        PROFILES >= 1_000_000 ? Math.max(...times) <= 1500 : null
      )
      log(`preview: ${Object.entries(per).map(([n, x]) => `${n} ${x.ms} ms (${x.count})`).join(", ")}`)
    } catch (e) {
      errors.push(`preview: ${e.message}`)
      row("segment preview (count + 20 samples)", "≤ 1.5 s", "not measured", null, (e.message || String(e)).slice(0, 200))
    }

    // --- real-time: native event → membership + managed group ---------------------------------------------
    // Run once against the local-bus Medusa here and, with --redis (or REDIS_URL set), once more after the load legs
    // against a Medusa booted with the Redis event bus, workflow engine and locking.
    async function realtimeLeg(bus, http, traceFile) {
      const email = `rt-${bus.toLowerCase()}-${Date.now()}@rt-in.bench`
      const { token: regToken } = await http("POST", "/auth/customer/emailpass/register", { email, password: "s3cret-pass" })
      const { customer } = await http("POST", "/store/customers", { email, first_name: "Rt", last_name: "Bench" }, { ...store, authorization: `Bearer ${regToken}` })
      const { segment } = await http("POST", "/admin/personalization/segments", { handle: `bench-rt-${bus.toLowerCase()}`, name: `bench-rt-${bus}`, rule_text: "email_domain = 'rt-in.bench'", status: "active", purpose: "personalization" }, admin)
      // Consent for the customer's profile (the pipeline made it on customer.created).
      let profileId = null
      for (let i = 0; i < 200 && !profileId; i++) {
        profileId = (await client.query(`SELECT id FROM personalization_customer_profile WHERE customer_id = $1`, [customer.id])).rows[0]?.id
        if (!profileId) await sleep(50)
      }
      await client.query(`UPDATE personalization_customer_profile SET consent = $2::jsonb WHERE id = $1`, [profileId, JSON.stringify({ personalization: { status: "granted", recorded_at: new Date().toISOString() } })])
      const state = async () => {
        const r = await client.query(
          `SELECT EXISTS (SELECT 1 FROM personalization_segment_membership WHERE segment_id = $1 AND customer_id = $2 AND exited_at IS NULL AND deleted_at IS NULL) AS member,
                  EXISTS (SELECT 1 FROM customer_group_customer WHERE customer_group_id = $3 AND customer_id = $2 AND deleted_at IS NULL) AS grouped`,
          [segment.id, customer.id, segment.customer_group_id]
        )
        return r.rows[0]
      }
      // The pipeline's trace lines (MP_PIPELINE_TRACE) for this customer since `from` (bytes).
      const epochNow = () => performance.timeOrigin + performance.now()
      let traceOffset = 0
      const newTraces = () => {
        let text = ""
        try {
          text = fs.readFileSync(traceFile, "utf8")
        } catch {
          return []
        }
        const fresh = text.slice(traceOffset)
        const complete = fresh.lastIndexOf("\n") + 1
        traceOffset += Buffer.byteLength(fresh.slice(0, complete))
        return fresh.slice(0, complete).split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((t) => t.key === customer.id)
      }
      newTraces()
      const lat = [] // admin request sent → membership row and group link visible
      const fromEvent = [] // customer.updated emitted (event metadata.created_at) → visible
      const fromReceipt = [] // our subscriber received it → visible
      const cpuMs = [] // CPU the Medusa process used from receipt to the end of the refresh (load-independent-ish)
      const intervals = new Map() // "a → b" → durations (ms)
      const loadAvg = [os.loadavg()[0]]
      for (let i = 0; i < RT_SAMPLES; i++) {
        const enter = i % 2 === 0
        const t = performance.now()
        const sentAt = epochNow()
        await http("POST", `/admin/customers/${customer.id}`, { email: `rt-${Date.now()}-${i}@${enter ? "rt-in" : "rt-out"}.bench` }, admin)
        const answeredAt = epochNow()
        let visibleAt
        for (;;) {
          const s = await state()
          if (s.member === enter && s.grouped === enter) {
            visibleAt = epochNow()
            break
          }
          if (performance.now() - t > 30_000) throw new Error(`membership did not ${enter ? "enter" : "exit"} within 30 s`)
          await sleep(2)
        }
        lat.push(performance.now() - t)
        // Let this refresh finish (events, cart re-pricing, lock release) before the next update: one event at a time.
        let traces = []
        for (let w = 0; w < 2500 && !traces.length; w++) {
          traces = newTraces()
          if (!traces.length) await sleep(2)
        }
        const tr = traces.find((x) => x.event === "customer.updated")
        if (!tr) continue
        if (tr.emitted_at) fromEvent.push(visibleAt - tr.emitted_at)
        if (typeof tr.cpu_ms === "number") cpuMs.push(tr.cpu_ms)
        const received = tr.marks.find(([n]) => n === "received")?.[1]
        if (received) fromReceipt.push(visibleAt - received)
        const points = [["admin request", sentAt]]
        if (tr.emitted_at) points.push(["event emitted", tr.emitted_at])
        if (tr.published_at) points.push(["event published", tr.published_at])
        points.push(...tr.marks.filter(([n]) => n !== "done"))
        points.push(["visible", visibleAt])
        points.sort((a, b) => a[1] - b[1])
        for (let k = 1; k < points.length; k++) {
          const name = `${points[k - 1][0]} → ${points[k][0]}`
          if (!intervals.has(name)) intervals.set(name, [])
          intervals.get(name).push(points[k][1] - points[k - 1][1])
        }
        const done = tr.marks.find(([n]) => n === "done")?.[1]
        // How long after the admin route answered the rows became visible (negative: visible before the answer).
        if (!intervals.has("admin answered → visible")) intervals.set("admin answered → visible", [])
        intervals.get("admin answered → visible").push(visibleAt - answeredAt)
        if (done) {
          if (!intervals.has("visible → refresh done")) intervals.set("visible → refresh done", [])
          intervals.get("visible → refresh done").push(done - visibleAt)
        }
        loadAvg.push(os.loadavg()[0])
      }
      const p50 = pct(lat, 50), p95 = pct(lat, 95)
      const key = bus === "local" ? "realtime" : `realtime_${bus}`
      result.timings[`${key}_ms`] = lat
      result.timings[`${key}_from_event_ms`] = fromEvent
      result.timings[`${key}_from_receipt_ms`] = fromReceipt
      result.timings[`${key}_split_p50_ms`] = Object.fromEntries([...intervals].map(([k, v]) => [k, { n: v.length, p50: pct(v, 50), p95: pct(v, 95) }]))
      result.timings[`${key}_loadavg`] = { min: Math.min(...loadAvg), max: Math.max(...loadAvg) }
      result.timings[`${key}_cpu_ms`] = cpuMs
      log(`real-time split, ${bus} bus (p50 / p95 ms over ${lat.length} samples):`)
      if (cpuMs.length) log(`  CPU of the Medusa process per refresh (receipt → done): ${pct(cpuMs, 50).toFixed(1)} / ${pct(cpuMs, 95).toFixed(1)} ms`)
      for (const [k, v] of intervals) log(`  ${k}: ${pct(v, 50).toFixed(1)} / ${pct(v, 95).toFixed(1)} (n=${v.length})`)
      const la = `load average ${Math.min(...loadAvg).toFixed(1)}–${Math.max(...loadAvg).toFixed(1)}`
      row(
        bus === "local" ? "native event → membership + group updated, p50/p95 (local bus)" : `  same, ${bus} bus`,
        "p95 ≤ 50 ms",
        `from the event's emission ${ms(pct(fromEvent, 50))} / ${ms(pct(fromEvent, 95))}; from our subscriber's receipt ${ms(pct(fromReceipt, 50))} / ${ms(pct(fromReceipt, 95))}; from the admin request ${ms(p50)} / ${ms(p95)} (${lat.length} samples, row + group link visible in Postgres, polled every 2 ms; ${la}${cpuMs.length ? `; Medusa CPU per refresh p50 ${pct(cpuMs, 50).toFixed(1)} ms` : ""})`,
        fromEvent.length ? pct(fromEvent, 95) <= 50 : p95 <= 50
      )
    }
    if (want("realtime")) {
      try {
        await realtimeLeg("local", http, traceFile)
      } catch (e) {
        errors.push(`real-time: ${e.message}`)
        row("native event → membership + group updated, p50/p95 (local bus)", "p95 ≤ 50 ms", "error", false, e.message.slice(0, 200))
      }
    }

    // --- HTTP load: autocannon in a second process -----------------------------------------------------------
    const visitors = Math.min(PROFILES, 50_000)
    const common = { base, connections: CONNECTIONS, duration: DURATION, pk, visitors }
    // `--only events`: just /store/regions and the events leg (the same paired comparison, a quarter of the time).
    if (want("load") || want("events")) {
    const full = want("load")
    const products = full ? await load({ ...common, kind: "get", path: `/store/products?limit=12${regionId ? `&region_id=${regionId}` : ""}` })
 : null
    if (products) log(`GET /store/products?limit=12: p95 ${products.p95} ms, ${products.rps} req/s, non2xx ${products.non2xx}`)
    // Sections: a placement with a default and one segment variant.
    let sections = null
    if (full) try {
      await http("POST", "/admin/personalization/placements", {
        handle: "bench.hero",
        variants: [
          { name: "default", content: { title: "For you", product_ids: productIds.slice(0, 8) } },
          { name: "nl", segment_id: segIds[4], priority: 10, content: { title: "Voor jou", product_ids: productIds.slice(0, 4) } },
        ],
      }, admin)
      sections = await load({ ...common, kind: "get", path: `/store/personalization/sections?placement=bench.hero${regionId ? `&region_id=${regionId}` : ""}`, visitorHeader: true })
      log(`GET sections: p95 ${sections.p95} ms, non2xx ${sections.non2xx}`)
      const ratio = sections.p95 / products.p95
      row("GET /store/personalization/sections p95 ÷ GET /store/products?limit=12 p95", "≤ 1.3", `${ratio.toFixed(2)} (${sections.p95} ms / ${products.p95} ms; ${sections.rps} vs ${products.rps} req/s)`, ratio <= 1.3 && sections.non2xx === 0, sections.non2xx ? `${sections.non2xx} non-2xx` : "")
    } catch (e) {
      errors.push(`sections: ${e.message}`)
      row("GET /store/personalization/sections p95 ÷ GET /store/products?limit=12 p95", "≤ 1.3", "not measured", null, e.message.slice(0, 200))
    }
    const cpuR = cpuSeconds(app.pid)
    const regions = await load({ ...common, kind: "get", path: "/store/regions" })
    regions.medusa_cpu_s = cpuR !== null ? cpuSeconds(app.pid) - cpuR : null
    log(`GET /store/regions: p95 ${regions.p95} ms, ${regions.rps} req/s; Medusa CPU ${regions.medusa_cpu_s?.toFixed(1)} s (${regions.medusa_cpu_s !== null ? ((regions.medusa_cpu_s * 1000) / Math.max(1, regions.requests)).toFixed(1) : "?"} ms per request)`)
    const me = full ? await load({ ...common, kind: "get", path: "/store/personalization/me", visitorHeader: true }) : null
    if (me) {
      const meRatio = me.p95 / regions.p95
      log(`GET me: p95 ${me.p95} ms (${me.non2xx} non2xx) vs regions p95 ${regions.p95} ms`)
      row("GET /store/personalization/me p95 ÷ GET /store/regions p95", "≤ 1.0", `${meRatio.toFixed(2)} (${me.p95} ms / ${regions.p95} ms; ${me.rps} vs ${regions.rps} req/s)`, meRatio <= 1.0 && me.non2xx === 0, me.non2xx ? `${me.non2xx} non-2xx` : "")
    }

    const before = (await client.query(`SELECT count(*)::int AS n FROM personalization_behavior_event`)).rows[0].n
    const cpu0 = cpuSeconds(app.pid)
    const events = await load({ ...common, kind: "events", path: "/store/personalization/events", batch: 50 })
    const cpu1 = cpuSeconds(app.pid)
    const after = (await client.query(`SELECT count(*)::int AS n FROM personalization_behavior_event`)).rows[0].n
    const perSec = (after - before) / events.seconds
    log(`POST events: ${Math.round(perSec)} events/s stored, batch p50 ${events.p50} / p99 ${events.p99} ms, ${events.rps} req/s, non2xx ${events.non2xx}; Medusa CPU ${cpu0 !== null && cpu1 !== null ? `${(cpu1 - cpu0).toFixed(1)} s (${(((cpu1 - cpu0) * 1000) / Math.max(1, events.requests)).toFixed(1)} ms per request, evaluations included)` : "?"}; load average ${os.loadavg()[0].toFixed(1)}`)
    // Evaluation lag: from the end of the leg until every subject the leg touched has a completed evaluation that
    // started after its last batch was stored (evaluated_at >= its newest load event's created_at). Polled each 250 ms.
    const touched = (
      await client.query(`SELECT profile_id, max(created_at) AS last FROM personalization_behavior_event
                           WHERE client_id LIKE 'ld-%' GROUP BY profile_id`)
    ).rows
    const lagQuery = {
      text: `SELECT count(*)::int AS touched,
                    count(*) FILTER (WHERE p.evaluated_at IS NULL OR p.evaluated_at < t.last)::int AS pending
               FROM unnest($1::text[], $2::timestamptz[]) AS t(profile_id, last)
               JOIN personalization_customer_profile p ON p.id = t.profile_id`,
      values: [touched.map((r) => r.profile_id), touched.map((r) => r.last)],
    }
    const tl = Date.now()
    let lag = null
    let state = null
    const lagLimitMs = Math.max(120_000, DURATION * 10_000)
    while (Date.now() - tl < lagLimitMs) {
      state = (await client.query(lagQuery)).rows[0]
      if (state.pending === 0) {
        lag = (Date.now() - tl) / 1000
        break
      }
      await sleep(250)
    }
    const cpu2 = cpuSeconds(app.pid)
    log(`evaluation lag: ${lag === null ? `NOT caught up after ${lagLimitMs / 1000} s (${state?.pending} of ${state?.touched} pending)` : `${lag.toFixed(1)} s`} for ${state?.touched} subjects touched; Medusa CPU while catching up ${cpu1 !== null && cpu2 !== null ? (cpu2 - cpu1).toFixed(1) : "?"} s`)
    row(`POST /store/personalization/events, batches of 50, sustained ${DURATION} s`, "≥ 5,000 events/s, batch p99 ≤ 100 ms", `${Math.round(perSec).toLocaleString("en-US")} events/s stored, batch p50 ${events.p50} / p99 ${events.p99} ms (${events.rps} req/s; /store/regions ${regions.rps} req/s in the same run); evaluation lag ${lag === null ? "> " + lagLimitMs / 1000 : lag.toFixed(1)} s for ${state?.touched} subjects`, perSec >= 5000 && events.p99 <= 100 && events.non2xx === 0, [events.non2xx ? `${events.non2xx} non-2xx` : "", lag === null ? `${state?.pending} subjects not evaluated` : ""].filter(Boolean).join("; "))
    if (lag === null) errors.push(`events: ${state?.pending} of ${state?.touched} touched subjects not evaluated ${lagLimitMs / 1000} s after the leg`)
    result.load = { products, sections, regions, me, events: { ...events, stored_per_s: perSec, medusa_cpu_s: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null, evaluation_lag_s: lag, touched: state?.touched, catch_up_cpu_s: cpu1 !== null && cpu2 !== null ? cpu2 - cpu1 : null } }
    }

    // --- memory: this process vs a bare Medusa on the same database ------------------------------------------
    const withPluginRaw = rssOf(app.pid)
    const withPluginGc = await afterGc(app.pid)
    const withPlugin = withPluginGc?.rss ?? withPluginRaw
    await app.stop()
    if (want("realtime")) {
      if (REDIS) {
        let redis = null
        try {
          redis = REDIS === true ? await startRedis(tmp, log) : { url: REDIS, stop: async () => {} }
          const redisTrace = path.join(tmp, "pipeline-trace-redis.jsonl")
          const redisApp = await startMedusa({ name: "medusa (redis bus)", port: await freePort(), env: { ...env, REDIS_URL: redis.url, MP_PIPELINE_TRACE: redisTrace }, log, nodeArgs })
          try {
            await realtimeLeg("Redis", httpTo(redisApp.url), redisTrace)
          } finally {
            await redisApp.stop()
          }
        } catch (e) {
          errors.push(`real-time (Redis bus): ${e.message}`)
          row("  same, Redis bus", "p95 ≤ 50 ms", "error", false, e.message.slice(0, 200))
        } finally {
          await redis?.stop().catch(() => {})
        }
      } else {
        row("  same, Redis bus", "p95 ≤ 50 ms", "not measured in this run", null, "pass --redis (a private redis-server) or --redis redis://…")
      }
    }
    if (want("rss")) try {
      const bareDir = path.join(tmp, "bare")
      fs.mkdirSync(bareDir, { recursive: true })
      fs.writeFileSync(
        path.join(bareDir, "medusa-config.js"),
        `const { defineConfig } = require("@medusajs/framework/utils")
module.exports = defineConfig({ projectConfig: { databaseUrl: process.env.DATABASE_URL, http: { jwtSecret: "b", cookieSecret: "b", storeCors: "*", adminCors: "*", authCors: "*" } }, admin: { disable: true } })\n`
      )
      // `medusa start` wants a Medusa project: a package.json that depends on @medusajs/medusa.
      fs.writeFileSync(
        path.join(bareDir, "package.json"),
        JSON.stringify({ name: "bare-host", version: "0.0.0", private: true, dependencies: { "@medusajs/medusa": "2.21.2", "@medusajs/framework": "2.21.2" } })
      )
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(bareDir, "node_modules"), "dir")
      const barePort = await freePort()
      const bare = await startMedusa({ name: "bare medusa", port: barePort, env, log, cwd: bareDir, nodeArgs: [...gcArgs, ...heapArgs(), ...(process.env.MP_BENCH_NODE_ARGS || "").split(" ").filter(Boolean)] })
      const bareBoot = rssOf(bare.pid)
      await heapSnapshot(bare.pid, "bare-boot")
      await load({ ...common, base: bare.url, kind: "get", path: `/store/products?limit=12${regionId ? `&region_id=${regionId}` : ""}`, duration: DURATION })
      const withoutRaw = rssOf(bare.pid)
      const withoutGc = await afterGc(bare.pid)
      const without = withoutGc?.rss ?? withoutRaw
      await bare.stop()
      const extra = withPlugin - without
      result.rss = { plugin_boot_mb: rssBoot, plugin_after_mb: withPlugin, plugin_after_raw_mb: withPluginRaw, plugin_after_gc: withPluginGc, bare_boot_mb: bareBoot, bare_after_mb: without, bare_after_raw_mb: withoutRaw, bare_after_gc: withoutGc, legs: ONLY ?? "all" }
      const heap = withPluginGc && withoutGc ? `; live heap after a full GC ${withPluginGc.heapUsedMb.toFixed(0)} vs ${withoutGc.heapUsedMb.toFixed(0)} MB` : "; no GC reading"
      row(
        `extra RSS with the plugin vs without, ${PROFILES.toLocaleString("en-US")} profiles in the DB`,
        "≤ 60 MB (at 1M)",
        `${extra.toFixed(0)} MB after a full GC in both (${withPlugin.toFixed(0)} vs ${without.toFixed(0)} MB, after ${want("load") ? "the load legs" : `the legs run (${ONLY})`} vs ${DURATION} s of /store/products${heap}; before the GC ${withPluginRaw?.toFixed(0)} vs ${withoutRaw?.toFixed(0)} MB; at boot ${rssBoot?.toFixed(0)} vs ${bareBoot?.toFixed(0)} MB, +${(rssBoot - bareBoot).toFixed(0)} MB)`,
        extra <= 60
      )
    } catch (e) {
      row("extra RSS with the plugin vs without", "≤ 60 MB", `with plugin ${withPlugin?.toFixed(0)} MB; bare not measured`, null, e.message.slice(0, 200))
    }

    // --- rule evaluations/s (in-process) ----------------------------------------------------------------------
    if (want("rules")) try {
      const out = await run(process.execPath, [path.join(ROOT, "node_modules/ts-node/dist/bin.js"), "--transpile-only", "bench/rules.bench.ts"], { cwd: ROOT })
      const lines = out.split("\n").filter((l) => /^(evaluate|matches)\(20-condition/.test(l)).map((l) => l.replace(/\s+/g, " ").trim())
      row("rule evaluations/s (20 conditions), in-process", "report", lines.length ? lines.join("; ") : "see npm run bench:rules", null)
    } catch (e) {
      row("rule evaluations/s (20 conditions), in-process", "report", "error", null, e.message.slice(0, 200))
    }
  } catch (e) {
    errors.push(e.stack || e.message)
  } finally {
    await client.end().catch(() => {})
    await stopAll()
    await db.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  }
  result.timings.total_s = (Date.now() - t0) / 1000
  fs.writeFileSync(path.join(ROOT, "bench-results.json"), JSON.stringify(result, null, 2))
  console.log("\n| figure | target | measured | met |\n|---|---|---|---|")
  for (const r of rows) console.log(`| ${r.figure} | ${r.target} | ${r.measured}${r.notes ? ` — ${r.notes}` : ""} | ${r.pass === null ? "—" : r.pass ? "yes" : "no"} |`)
  console.log(`\nmachine: ${machine.cpus} × ${machine.cpu_model}, ${machine.ram_gb} GB, node ${machine.node}; total ${result.timings.total_s.toFixed(0)} s; bench-results.json written`)
  if (errors.length) {
    console.error(`\nERRORS:\n${errors.join("\n")}`)
    process.exit(1)
  }
}

main()
