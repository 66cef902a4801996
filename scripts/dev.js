#!/usr/bin/env node
// `npm run dev` — a demo store on this machine with nothing but Node:
//   1. Postgres: DATABASE_URL if set, else an embedded Postgres with data under .dev-data/ (port remembered);
//   2. `medusa db:migrate` (core + plugin migrations + link sync), skipped when nothing it depends on changed;
//   3. the demo seed (src/scripts/seed-demo.ts) — skipped when the store holds everything the seed makes; a store an
//      older seed made (no placements, offers, … yet) is topped up: only what is missing is added;
//   4. `medusa develop`, then prints the admin and shopper logins, the publishable key and "Try it" lines
//      (scripts/lib/demo-try-it.js) with the real key and ids filled in.
// Flags: --reset (wipe .dev-data and start over), --no-seed, --migrate (run db:migrate even when nothing changed),
//        --customers=N --products=N (first seed only).
// Ctrl-C / SIGTERM stops Medusa first, then Postgres.
const { spawn, fork } = require("node:child_process")
const fs = require("node:fs")
const net = require("node:net")
const path = require("node:path")

const root = path.resolve(__dirname, "..")
const dataDir = path.join(root, ".dev-data")
const portFile = path.join(dataDir, "pg-port")
const medusaBin = path.join(root, "node_modules", ".bin", "medusa")
const DB_NAME = "medusa_personalization_dev"
const DEFAULT_PG_PORT = 54329
// What the seed makes is named in src/scripts/demo/manifest.json (read by the seed too); scripts/lib/demo-state.js
// reads the store with SQL, so a complete demo skips the seed without booting Medusa.
const { demoState: readDemoState, manifest } = require("./lib/demo-state.js")
const { tryItText } = require("./lib/demo-try-it.js")
const ADMIN = manifest.admin

const argv = process.argv.slice(2)
const flag = (name) => argv.includes(`--${name}`)
const seedArgs = argv.filter((a) => /^--(customers|products|seed)=\d+$/.test(a)).map((a) => a.slice(2))
const httpPort = Number(process.env.PORT || 9000)
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`
const log = (m) => console.log(`\x1b[36m[dev]\x1b[0m ${m}`)

let pgHelper = null // the forked scripts/lib/pg-server.mjs
let child = null // the medusa command currently running (own process group)
let stopping = false

main().catch(async (e) => {
  console.error(`\x1b[31m[dev] ${e?.message ?? e}\x1b[0m`)
  await shutdown(1)
})
process.on("SIGINT", () => shutdown(0))
process.on("SIGTERM", () => shutdown(0))

async function main() {
  if (flag("reset")) {
    if (process.env.DATABASE_URL) throw new Error("--reset only wipes the embedded database; unset DATABASE_URL or drop your database yourself")
    log("--reset: removing .dev-data/")
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
  if (!(await portIsFree(httpPort))) throw new Error(`port ${httpPort} is in use (another Medusa?); stop it or set PORT`)

  const databaseUrl = process.env.DATABASE_URL || (await startPostgres())
  const env = { ...process.env, DATABASE_URL: databaseUrl }

  let key = await demoState(databaseUrl)
  const stamp = migrationStamp(databaseUrl)
  if (key.seeded && !flag("migrate") && readStamp() === stamp) {
    log("migrations and links unchanged since the last run, skipping db:migrate (--migrate forces it)")
  } else {
    log(`migrating (${elapsed()})`)
    await run(["db:migrate"], env)
    key = await demoState(databaseUrl)
  }
  if (flag("no-seed")) log("--no-seed: not seeding")
  else if (key.seeded) log("demo store already seeded, skipping the seed")
  else {
    const t = Date.now()
    if (key.token) log(`the demo store lacks ${key.missing.join(", ")} (made by an older seed?): topping it up`)
    log(`seeding the demo store (${elapsed()})`)
    await run(["exec", "./src/scripts/seed-demo.ts", ...seedArgs], env)
    log(`seed finished in ${((Date.now() - t) / 1000).toFixed(1)}s`)
    key = await demoState(databaseUrl)
  }
  if (key.seeded) writeStamp(stamp)

  log(`starting medusa develop (${elapsed()})`)
  const develop = start(["develop"], env)
  develop.on("exit", (code) => {
    if (!stopping) {
      console.error(`[dev] medusa develop exited (${code}); stopping`)
      shutdown(code || 1)
    }
  })
  await waitForHealth(`http://localhost:${httpPort}/health`, 240_000)
  banner(key)
}

// ---- Postgres -------------------------------------------------------------------------------------------

async function startPostgres() {
  fs.mkdirSync(dataDir, { recursive: true })
  // As root, Postgres runs as an unprivileged user that must be able to reach node_modules and .dev-data:
  // fail here in one line naming the directory and the fix, not with initdb's raw `spawn … EACCES`.
  const { embeddedPgAccessProblem } = await import("./lib/pg-access.mjs")
  const problem = await embeddedPgAccessProblem({ dataDir: path.join(dataDir, "pg") })
  if (problem) throw new Error(problem)
  let port = fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, "utf8")) : 0
  if (!port) {
    port = (await portIsFree(DEFAULT_PG_PORT)) ? DEFAULT_PG_PORT : await freePort()
    fs.writeFileSync(portFile, String(port))
  }
  log(`starting embedded Postgres on port ${port} (data in .dev-data/pg)`)
  // Its own process group: a terminal Ctrl-C must not stop Postgres before Medusa has shut down.
  pgHelper = fork(path.join(__dirname, "lib", "pg-server.mjs"), [], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, MP_PG_DIR: path.join(dataDir, "pg"), MP_PG_PORT: String(port), MP_PG_DATABASE: DB_NAME },
  })
  const msg = await new Promise((resolve) => {
    pgHelper.once("message", resolve)
    pgHelper.once("exit", (code) => resolve({ error: `Postgres helper exited (${code})` }))
  })
  if (msg.error) {
    pgHelper = null
    throw new Error(`embedded Postgres: ${msg.error}. Port ${port} is remembered in .dev-data/pg-port; free it or run with --reset`)
  }
  log(`Postgres ready (${elapsed()})`)
  return `postgres://${msg.user}:${msg.password}@127.0.0.1:${port}/${DB_NAME}`
}

async function stopPostgres() {
  const h = pgHelper
  if (!h || h.exitCode !== null) return
  const exited = new Promise((resolve) => h.once("exit", resolve))
  h.connected ? h.send("stop") : h.kill("SIGTERM")
  const ok = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])
  if (!ok) h.kill("SIGKILL")
  log(ok ? "Postgres stopped" : "Postgres did not stop in 15 s; killed")
}

// Is the demo store seeded — everything the current seed makes present (see scripts/lib/demo-state.js)? Reads the
// tables directly; an empty database (no tables yet) is "not seeded". `missing` names what a partial store lacks.
async function demoState(databaseUrl) {
  const { Client } = require("pg")
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await readDemoState(async (sql, params) => (await client.query(sql, params)).rows)
  } finally {
    await client.end()
  }
}

// What db:migrate depends on: migration files, link definitions, installed packages, config, target DB.
// Unchanged since the last successful run → nothing to migrate, saving a full Medusa boot.
function migrationStamp(databaseUrl) {
  const crypto = require("node:crypto")
  const hash = crypto.createHash("sha1").update(databaseUrl)
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (/migrations|links/.test(p)) hash.update(p).update(fs.readFileSync(p))
    }
  }
  walk(path.join(root, "src", "modules"))
  walk(path.join(root, "src", "links"))
  for (const f of ["package-lock.json", "medusa-config.ts"]) {
    const p = path.join(root, f)
    if (fs.existsSync(p)) hash.update(fs.readFileSync(p))
  }
  return hash.digest("hex")
}
const stampFile = path.join(dataDir, "migrated.sha1")
const readStamp = () => (fs.existsSync(stampFile) ? fs.readFileSync(stampFile, "utf8") : "")
const writeStamp = (s) => {
  fs.mkdirSync(dataDir, { recursive: true })
  fs.writeFileSync(stampFile, s)
}

// ---- child processes ------------------------------------------------------------------------------------

// Medusa commands run in their own process group, so shutdown can signal `develop` and its forked server together.
function start(args, env) {
  child = spawn(medusaBin, args, { cwd: root, env, stdio: "inherit", detached: true })
  return child
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const c = start(args, env)
    c.on("exit", (code, signal) => {
      if (child === c) child = null
      if (stopping) return
      code === 0 ? resolve() : reject(new Error(`medusa ${args[0]} failed (${signal || code})`))
    })
  })
}

async function stopChild() {
  const c = child
  if (!c || !c.pid) return
  const groupAlive = () => {
    try {
      process.kill(-c.pid, 0)
      return true
    } catch {
      return false
    }
  }
  if (!groupAlive()) return
  log("stopping medusa")
  // SIGTERM: `medusa start` (the server develop forks) shuts down gracefully on it.
  try { process.kill(-c.pid, "SIGTERM") } catch {}
  for (let i = 0; i < 100 && groupAlive(); i++) await sleep(200)
  if (groupAlive()) {
    log("medusa still running after 20 s; killing")
    try { process.kill(-c.pid, "SIGKILL") } catch {}
  }
}

async function shutdown(code) {
  if (stopping) return
  stopping = true
  await stopChild()
  await stopPostgres()
  process.exit(code)
}

// ---- helpers --------------------------------------------------------------------------------------------

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.once("error", () => resolve(false))
    srv.listen(port, () => srv.close(() => resolve(true)))
  })
}

async function freePort() {
  const { freePort: fp } = await import("./lib/embedded-pg.mjs")
  return fp()
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function waitForHealth(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (stopping) return
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await sleep(500)
  }
  throw new Error(`medusa did not answer ${url} within ${timeoutMs / 1000}s`)
}

function banner(state) {
  const base = `http://localhost:${httpPort}`
  const { member, nonmember } = manifest.shoppers
  const pad = (t) => t.padEnd(18)
  const lines = [
    "",
    `\x1b[32m✔ Demo store ready in ${elapsed()}\x1b[0m`,
    `  ${pad("Admin:")}${base}/app   (${ADMIN.email} / ${ADMIN.password})`,
    `  ${pad("Shopper, member:")}${member.email} / ${member.password}   (VIP + repeat buyer: "Welcome back", member prices, ${manifest.promotionCode})`,
    `  ${pad("Shopper, other:")}${nonmember.email} / ${nonmember.password}   (lapsed, in neither: "We miss you", regular prices, no offers)`,
    `  ${pad("Visitor id:")}${manifest.visitors.browsingHome}   (anonymous, consented, browsed home products: "Picked for your home")`,
    `  ${pad("Publishable key:")}${state.token ?? "(none — run without --no-seed)"}`,
  ]
  if (state.seeded) {
    const tryIt = tryItText({ base, flavour: "banner", ...state.ids })
    lines.push("", "  Try it — paste into a shell, the three login lines first (add `| jq` to read the JSON):", ...tryIt.split("\n").map((l) => `  ${l}`))
  } else if (state.token) {
    lines.push("", `  The demo store lacks ${state.missing.join(", ")}; run \`npm run dev\` again (without --no-seed) to add it.`)
  }
  lines.push("", "  Ctrl-C stops Medusa, then Postgres. `npm run dev -- --reset` starts from an empty store.", "")
  console.log(lines.join("\n"))
}
