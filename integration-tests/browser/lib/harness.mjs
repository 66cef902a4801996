// The browser tests' shared harness: boots the demo store ONCE (embedded Postgres, `medusa db:migrate`, demo seed, a
// production admin build, `medusa start` with NODE_ENV=production in a scratch host directory that symlinks ./src and
// ./node_modules, so the repo's own .medusa/ is left alone), opens one Chromium (playwright-core, the system binary),
// and gives every flow the same page, API client, step runner and problem guard.
//
// The guard fails a step on any console error, page error, failed request or HTTP ≥ 400. A flow that provokes a
// failure on purpose says so first with `allow({ status, url })` (and `disallow` after): only responses matching
// that status and URL (and the console line Chromium logs for them) are forgiven; everything else still fails.
import { execFileSync, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { createRequire } from "node:module"

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const require = createRequire(path.join(ROOT, "package.json"))
const { chromium } = require("playwright-core")
export const SHOTS = path.join(ROOT, "integration-tests/browser/screenshots")
export const ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }

export const log = (m) => console.log(`[browser] ${m}`)
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const started = Date.now()
export const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`

export function expectEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}
export function expect(cond, what) {
  if (!cond) throw new Error(what)
}
export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

// ---- processes ---------------------------------------------------------------------------------------------------

const state = { pg: null, server: null, browser: null, work: null, cleaning: null }

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

export function cleanup() {
  state.cleaning ??= (async () => {
    if (state.browser) await state.browser.close().catch(() => {})
    await stopServer(state.server)
    if (state.pg) await state.pg.stop().catch(() => {})
    if (state.work) {
      if (process.env.BROWSER_KEEP === "1") log(`kept ${state.work}`)
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

/** Boots the demo store once; resolves to its origin. */
export async function bootStore() {
  delete process.env.REDIS_URL // one process: in-memory event bus, workflow engine and locks (Redis has its own leg)
  const parent = process.env.CI_TMP || os.tmpdir()
  fs.mkdirSync(parent, { recursive: true })
  state.work = fs.mkdtempSync(path.join(parent, "mp-browser-"))
  fs.chmodSync(state.work, 0o755) // the embedded Postgres may run as another user

  const { startEmbeddedPostgres, ensureDatabase, freePort } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  state.pg = await startEmbeddedPostgres({ dir: path.join(state.work, "pg"), persistent: false })
  const pg = state.pg
  const database = "medusa-browser"
  await ensureDatabase({ port: pg.port, user: pg.user, password: pg.password, database })
  log(`Postgres on ${pg.port} (${elapsed()})`)

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
  }
  // The admin build does not need the database: run it alongside migrate + seed.
  const adminOut = path.join(host, "public/admin")
  fs.mkdirSync(path.dirname(adminOut), { recursive: true })
  const reuse = process.env.BROWSER_ADMIN_DIR && fs.existsSync(path.join(process.env.BROWSER_ADMIN_DIR, "index.html"))
  const build = reuse
    ? Promise.resolve().then(() => {
        fs.cpSync(process.env.BROWSER_ADMIN_DIR, adminOut, { recursive: true })
        log(`reusing the admin build in ${process.env.BROWSER_ADMIN_DIR}`)
      })
    : medusa(["build", "--admin-only"], { cwd: host, env }).then(() => {
        fs.cpSync(path.join(host, ".medusa/admin"), adminOut, { recursive: true })
        log(`admin built (${elapsed()})`)
        if (process.env.BROWSER_ADMIN_DIR) fs.cpSync(adminOut, process.env.BROWSER_ADMIN_DIR, { recursive: true })
      })
  const data = (async () => {
    await medusa(["db:migrate"], { cwd: host, env })
    log(`migrated (${elapsed()})`)
    const seeded = await medusa(["exec", "./src/scripts/seed-demo.ts", "customers=80", "products=12"], { cwd: host, env })
    const summary = seeded.split("\n").find((l) => l.includes("[demo-seed] {"))
    log(`seeded (${elapsed()}) ${summary ? summary.replace(/.*\[demo-seed\] /, "") : ""}`)
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
  log(`medusa start on ${origin} (${elapsed()})`)
  return origin
}

// ---- HTTP (the API the tests compare the UI with) ------------------------------------------------------------------

export function apiClient(origin, token) {
  return async function api(method, url, body) {
    const res = await fetch(origin + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    const json = await res.json().catch(() => null)
    if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`)
    return json
  }
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

// ---- the browser, with its problem guard ---------------------------------------------------------------------------

export async function openBrowser(origin) {
  const executablePath = process.env.CHROMIUM || execFileSync("which", ["chromium"], { encoding: "utf8" }).trim()
  const headed = process.env.BROWSER_HEADED === "1"
  state.browser = await chromium.launch({
    executablePath,
    headless: !headed,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  })
  // Production cookies are Secure; Medusa trusts X-Forwarded-Proto (session proxy: true), as behind a TLS proxy.
  const context = await state.browser.newContext({ viewport: { width: 1440, height: 1000 }, extraHTTPHeaders: { "x-forwarded-proto": "https" } })
  // Hermetic: third-party assets (country flags from cdn.jsdelivr.net) are answered locally with an empty image.
  const stubbed = new Set()
  await context.route((url) => url.origin !== origin, (route) => {
    stubbed.add(new URL(route.request().url()).host)
    return route.fulfill({ status: 200, contentType: "image/svg+xml", body: '<svg xmlns="http://www.w3.org/2000/svg"/>' })
  })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)

  const problems = []
  const allowed = [] // { status, url: RegExp, seen }
  let loggedIn = false
  const allowedFor = (status, url) => allowed.find((a) => a.status === status && a.url.test(url))
  page.on("console", (msg) => {
    if (msg.type() !== "error") return
    const text = msg.text()
    const at = msg.location()?.url ?? ""
    // Chromium logs "Failed to load resource: … status of N" for every HTTP error; forgiven only for an allowed one.
    const m = /status of (\d{3})/.exec(text)
    if (m && allowedFor(Number(m[1]), at)) return
    if (m && !loggedIn && m[1] === "401") return
    problems.push(`console error: ${text} (${at})`)
  })
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`))
  page.on("requestfailed", (req) => {
    const failure = req.failure()?.errorText ?? ""
    // A navigation cancels the previous page's in-flight fetches; that is not a failed request.
    if (failure === "net::ERR_ABORTED") return
    problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`)
  })
  page.on("response", (res) => {
    if (res.status() < 400) return
    // Before logging in the dashboard asks who is logged in and is told "nobody" (401): expected.
    if (!loggedIn && res.status() === 401) return
    const a = allowedFor(res.status(), res.url())
    if (a) {
      a.seen++
      return
    }
    problems.push(`HTTP ${res.status()}: ${res.request().method()} ${res.url()}`)
  })

  return {
    page,
    context,
    stubbed,
    setLoggedIn: () => (loggedIn = true),
    /** Forgive responses with this status whose URL matches, until `disallow` is called with the returned entry. */
    allow(status, url) {
      const entry = { status, url, seen: 0 }
      allowed.push(entry)
      return entry
    },
    disallow(entry) {
      const i = allowed.indexOf(entry)
      if (i >= 0) allowed.splice(i, 1)
      return entry.seen
    },
    noProblems(where) {
      if (problems.length) {
        const list = problems.splice(0)
        throw new Error(`${where}: ${list.length} console error(s) / failed request(s):\n  ${list.join("\n  ")}`)
      }
    },
    shot: (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true }),
  }
}

// ---- steps -----------------------------------------------------------------------------------------------------------

export const results = []
export async function step(name, fn) {
  const t = Date.now()
  try {
    await fn()
    results.push({ name, ok: true })
    log(`PASS ${name} (${((Date.now() - t) / 1000).toFixed(1)}s)`)
  } catch (e) {
    results.push({ name, ok: false, error: e })
    log(`FAIL ${name}: ${e?.stack ?? e}`)
    throw e
  }
}

export function resetScreenshots() {
  fs.rmSync(SHOTS, { recursive: true, force: true })
  fs.mkdirSync(SHOTS, { recursive: true })
}
