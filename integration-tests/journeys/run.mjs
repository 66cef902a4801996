#!/usr/bin/env node
// Journeys: the promises walked end to end on the demo store exactly as `npm run dev` seeds it (src/scripts/seed-demo.ts
// with its default args), booted in production mode (embedded Postgres, migrations, `medusa start` with
// NODE_ENV=production, the admin disabled: no admin build) by the shared store harness, driven only over public HTTP
// (store routes with the publishable key, admin routes with a token).
//
// Every `*.journey.mjs` here exports `{ name, run(ctx) }` (ctx: lib/context.mjs). The time journey (long waits)
// starts first and runs beside the others, which run one after another. Every step prints its timing; the run ends
// with `N passed, N failed` and exits non-zero on any failed step.
//
// Usage: node integration-tests/journeys/run.mjs   (scripts/ci/journeys-leg.sh in CI)
// Env: JOURNEYS=shopper,experiment (a subset), CI_TMP (scratch parent), CI_PIDS_FILE (.ci/run's cleanup),
//      JOURNEYS_KEEP=1 (keep the scratch dir), JOURNEYS_SERVE=1 (boot, print origin + database, stay up),
//      JOURNEYS_ORIGIN=<origin> JOURNEYS_DATABASE_URL=<url> (run the journeys on a store already up).
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { adminToken, bootStore, cleanup, serverLogTail } from "../lib/store-harness.mjs"
import { StepFailed, closeSql, createContext, loadDemo, sqlClient } from "./lib/context.mjs"

const DIR = path.dirname(fileURLToPath(import.meta.url))
const log = (m) => console.log(`[journeys] ${m}`)
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`
// The order the sequential journeys run in; journeys not listed run after them, by name. "time" runs beside them.
const ORDER = ["shopper", "visitor", "merchant", "experiment"]
const BACKGROUND = new Set(["time"])

async function loadJourneys() {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".journey.mjs"))
  const all = []
  for (const f of files) {
    const mod = (await import(path.join(DIR, f))).default
    if (!mod?.name || typeof mod.run !== "function") throw new Error(`${f}: export default { name, run } expected`)
    all.push(mod)
  }
  const wanted = process.env.JOURNEYS?.split(",").map((s) => s.trim()).filter(Boolean)
  if (wanted) {
    for (const w of wanted) if (!all.some((j) => j.name === w)) throw new Error(`unknown journey ${w} (known: ${all.map((j) => j.name).join(", ")})`)
  }
  const rank = (j) => (ORDER.includes(j.name) ? ORDER.indexOf(j.name) : ORDER.length)
  return all.filter((j) => !wanted || wanted.includes(j.name)).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name))
}

function databaseFromUrl(url) {
  const u = new URL(url)
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password), database: u.pathname.slice(1) }
}

const results = { passed: 0, failed: 0, steps: [], errors: [] }

async function runJourney(journey, base) {
  const t = Date.now()
  console.log(`[journey ${journey.name}] — start (${elapsed()})`)
  const ctx = createContext({ ...base, name: journey.name, results })
  try {
    await journey.run(ctx)
  } catch (e) {
    // A StepFailed was printed and counted by the step; anything else failed outside a step: count it here.
    if (!(e instanceof StepFailed)) {
      results.failed++
      results.errors.push({ journey: journey.name, error: e })
      console.log(`[journey ${journey.name}] FAIL outside a step: ${e?.stack ?? e}`)
    }
    console.log(`[journey ${journey.name}] — stopped at its first failure (${((Date.now() - t) / 1000).toFixed(1)}s)`)
    return false
  }
  console.log(`[journey ${journey.name}] — done (${((Date.now() - t) / 1000).toFixed(1)}s)`)
  return true
}

async function main() {
  const journeys = await loadJourneys()
  let origin = process.env.JOURNEYS_ORIGIN
  let database
  if (origin) {
    if (!process.env.JOURNEYS_DATABASE_URL) throw new Error("JOURNEYS_ORIGIN needs JOURNEYS_DATABASE_URL (read-only checks)")
    database = databaseFromUrl(process.env.JOURNEYS_DATABASE_URL)
  } else {
    const booted = await bootStore({ admin: false, seedArgs: [], label: "journeys", log })
    origin = booted.origin
    database = booted.database
  }
  if (process.env.JOURNEYS_SERVE === "1") {
    const d = database
    log(`serving; run the journeys on it with\n  JOURNEYS_ORIGIN=${origin} JOURNEYS_DATABASE_URL=postgres://${d.user}:${d.password}@${d.host}:${d.port}/${d.database} node integration-tests/journeys/run.mjs`)
    await new Promise(() => {})
  }
  const sql = sqlClient(database)
  const [key] = await sql(
    `SELECT token FROM api_key WHERE title = 'Demo storefront' AND type = 'publishable' AND revoked_at IS NULL AND deleted_at IS NULL LIMIT 1`
  )
  if (!key) throw new Error("the demo seed's publishable key is missing")
  const base = { origin, publishableKey: key.token, adminToken: await adminToken(origin), database, demo: await loadDemo(origin, key.token) }
  log(`store ready (${elapsed()}): ${base.demo.products.length} products in region ${base.demo.region.name}; journeys: ${journeys.map((j) => j.name).join(", ")}`)

  const background = journeys.filter((j) => BACKGROUND.has(j.name)).map((j) => runJourney(j, base))
  for (const j of journeys.filter((j) => !BACKGROUND.has(j.name))) await runJourney(j, base)
  await Promise.all(background)
}

let crashed = false
try {
  await main()
} catch (e) {
  crashed = true
  log(`ERROR ${e?.stack ?? e}`)
} finally {
  if (crashed || results.failed) {
    const tail = serverLogTail(40)
    if (tail) log(`server log tail:\n${tail}`)
  }
  await closeSql()
  await cleanup({ keepLabel: "journeys" })
}
const failedSteps = results.steps.filter((s) => !s.ok).map((s) => `${s.journey}: ${s.step}`)
for (const e of results.errors) failedSteps.push(`${e.journey}: (outside a step) ${e.error?.message ?? e.error}`)
if (failedSteps.length) log(`failed:\n  ${failedSteps.join("\n  ")}`)
log(`${results.passed} passed, ${results.failed} failed in ${elapsed()}${crashed ? " (the run itself failed)" : ""}`)
process.exit(crashed || results.failed ? 1 : 0)
