// Boots the demo store once for a test leg that drives it over HTTP (the browser flows, the journeys):
// an embedded Postgres, `medusa db:migrate`, the demo seed (src/scripts/seed-demo.ts), then `medusa start` with
// NODE_ENV=production in a scratch host directory that symlinks ./src and ./node_modules, so the repo's own .medusa/
// is left alone. The admin build is optional (the browser leg needs it; the journeys run with the admin disabled).
import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

const state = { pg: null, server: null, work: null, cleaning: null, hooks: [], database: null }

function medusa(args, { cwd, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules/.bin/medusa"), args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.on("data", (d) => (out += d))
    child.stderr.on("data", (d) => (out += d))
    child.on("error", reject)
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`medusa ${args.join(" ")} exited ${code}\n${out.split("\n").slice(-40).join("\n")}`))))
  })
}

function startServer(cwd, port, env) {
  const logFile = path.join(state.work, "medusa-start.log")
  const fd = fs.openSync(logFile, "a")
  const child = spawn(path.join(ROOT, "node_modules/.bin/medusa"), ["start", "--port", String(port)], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", fd, fd],
    detached: true, // own process group, stopped as a whole
  })
  fs.closeSync(fd)
  if (process.env.CI_PIDS_FILE) fs.appendFileSync(process.env.CI_PIDS_FILE, `pgid ${child.pid}\n`)
  const s = { child, logFile, exited: false }
  child.on("exit", () => (s.exited = true))
  return s
}

async function stopServer(s) {
  if (!s || s.exited) return
  try {
    process.kill(-s.child.pid, "SIGTERM")
  } catch {}
  for (let i = 0; i < 100 && !s.exited; i++) await sleep(100)
  try {
    process.kill(-s.child.pid, "SIGKILL")
  } catch {}
}

/** Runs `fn` first when cleaning up (e.g. closing a browser before the server stops). */
export function onCleanup(fn) {
  state.hooks.push(fn)
}

/** Stops everything bootStore started (once; later calls share the same promise). */
export function cleanup({ keepLabel = "store" } = {}) {
  state.cleaning ??= (async () => {
    for (const fn of state.hooks.splice(0).reverse()) await Promise.resolve().then(fn).catch(() => {})
    await stopServer(state.server)
    if (state.pg) await state.pg.stop().catch(() => {})
    if (state.work) {
      if (process.env.BROWSER_KEEP === "1" || process.env.JOURNEYS_KEEP === "1") console.log(`[${keepLabel}] kept ${state.work}`)
      else fs.rmSync(state.work, { recursive: true, force: true })
    }
  })()
  return state.cleaning
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    await cleanup()
    process.exit(130)
  })
}

export function serverLogTail(n = 30) {
  if (!state.server?.logFile || !fs.existsSync(state.server.logFile)) return ""
  return fs.readFileSync(state.server.logFile, "utf8").split("\n").slice(-n).join("\n")
}

/** The booted store's Postgres (for read-only checks): { host, port, user, password, database }. */
export function databaseOf() {
  if (!state.pg) throw new Error("no store booted")
  return { host: "127.0.0.1", port: state.pg.port, user: state.pg.user, password: state.pg.password, database: state.database }
}

/**
 * Boots the demo store once; resolves to { origin, publishableKey, database, seedSummary }.
 * @param {{ admin?: boolean, seedArgs?: string[], label?: string, log?: (m: string) => void, env?: Record<string,string> }} opts
 *   admin: build the admin dashboard (default true; false disables it with MEDUSA_ADMIN_DISABLE, no build);
 *   seedArgs: args for seed-demo.ts (default none: the store exactly as `npm run dev` seeds it);
 *   env: extra environment for the medusa commands and server.
 */
export async function bootStore({ admin = true, seedArgs = [], label = "store", log = (m) => console.log(`[${label}] ${m}`), env: extraEnv = {} } = {}) {
  const started = Date.now()
  const t = () => `${((Date.now() - started) / 1000).toFixed(0)}s`
  delete process.env.REDIS_URL // one process: in-memory event bus, workflow engine and locks (Redis has its own leg)
  const parent = process.env.CI_TMP || os.tmpdir()
  fs.mkdirSync(parent, { recursive: true })
  state.work = fs.mkdtempSync(path.join(parent, `mp-${label}-`))
  fs.chmodSync(state.work, 0o755) // the embedded Postgres may run as another user

  const { startEmbeddedPostgres, ensureDatabase, freePort } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  state.pg = await startEmbeddedPostgres({ dir: path.join(state.work, "pg"), persistent: false })
  const pg = state.pg
  const database = `medusa-${label}`
  state.database = database
  await ensureDatabase({ port: pg.port, user: pg.user, password: pg.password, database })
  log(`Postgres on ${pg.port} (${t()})`)

  const host = path.join(state.work, "host")
  fs.mkdirSync(host)
  for (const f of ["medusa-config.ts", "tsconfig.json", "package.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(host, f))
  fs.symlinkSync(path.join(ROOT, "src"), path.join(host, "src"))
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(host, "node_modules"))

  const port = await freePort()
  const origin = `http://localhost:${port}`
  const env = {
    DATABASE_URL: `postgres://${pg.user}:${pg.password}@127.0.0.1:${pg.port}/${database}`,
    MEDUSA_DISABLE_TELEMETRY: "true",
    NODE_ENV: "production",
    ADMIN_CORS: origin,
    AUTH_CORS: origin,
    STORE_CORS: origin,
    ...(admin ? {} : { MEDUSA_ADMIN_DISABLE: "true" }),
    ...extraEnv,
  }
  // The admin build does not need the database: run it alongside migrate + seed.
  let build = Promise.resolve()
  if (admin) {
    const adminOut = path.join(host, "public/admin")
    fs.mkdirSync(path.dirname(adminOut), { recursive: true })
    const reuse = process.env.BROWSER_ADMIN_DIR && fs.existsSync(path.join(process.env.BROWSER_ADMIN_DIR, "index.html"))
    build = reuse
      ? Promise.resolve().then(() => {
          fs.cpSync(process.env.BROWSER_ADMIN_DIR, adminOut, { recursive: true })
          log(`reusing the admin build in ${process.env.BROWSER_ADMIN_DIR}`)
        })
      : medusa(["build", "--admin-only"], { cwd: host, env }).then(() => {
          fs.cpSync(path.join(host, ".medusa/admin"), adminOut, { recursive: true })
          log(`admin built (${t()})`)
          if (process.env.BROWSER_ADMIN_DIR) fs.cpSync(adminOut, process.env.BROWSER_ADMIN_DIR, { recursive: true })
        })
  }
  let seedSummary = null
  const data = (async () => {
    await medusa(["db:migrate"], { cwd: host, env })
    log(`migrated (${t()})`)
    const seeded = await medusa(["exec", "./src/scripts/seed-demo.ts", ...seedArgs], { cwd: host, env })
    // production logs are JSON lines ({ level, message, timestamp }); development ones are plain text
    const lines = seeded.split("\n").map((l) => {
      try {
        return String(JSON.parse(l).message ?? l)
      } catch {
        return l
      }
    })
    const pick = (marker) => lines.find((l) => l.includes(marker))?.replace(/.*\[demo-seed\] /, "") ?? null
    seedSummary = pick("[demo-seed] {")
    const profiles = pick("[demo-seed] profiles:")
    log(`seeded (${t()}) ${seedSummary ?? ""}${profiles ? `\n  ${profiles}` : ""}`)
  })()
  const settled = await Promise.allSettled([build, data])
  const failed = settled.find((s) => s.status === "rejected")
  if (failed) throw failed.reason

  state.server = startServer(host, port, env)
  const deadline = Date.now() + 240_000
  while (Date.now() < deadline && !state.server.exited) {
    if (await fetch(`${origin}/health`).then((r) => r.ok).catch(() => false)) break
    await sleep(500)
  }
  if (state.server.exited || !(await fetch(`${origin}/health`).then((r) => r.ok).catch(() => false))) {
    throw new Error(`medusa start did not come up:\n${serverLogTail(40)}`)
  }
  log(`medusa start on ${origin} (${t()})`)
  return { origin, database: databaseOf(), seedSummary }
}

export async function adminToken(origin) {
  const { token } = await (await fetch(`${origin}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  })).json()
  if (!token) throw new Error("the seeded admin cannot log in over the API")
  return token
}

export function expectEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}
export function expect(cond, what) {
  if (!cond) throw new Error(what)
}
