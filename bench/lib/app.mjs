// Production-mode Medusa for the benchmark and the scale-out test: `medusa build` (admin off), the root
// medusa-config.ts transpiled next to the build (tsconfig keeps it out of the package), node_modules linked, then
// `medusa db:migrate` / `medusa start` from .medusa/server with NODE_ENV=production. Every process started here is
// its own process group and is stopped by stopAll(), also on failure.
import { spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
export const SERVER_DIR = path.join(ROOT, ".medusa", "server")
const CLI = path.join(ROOT, "node_modules", "@medusajs", "cli", "cli.js")
const started = new Set()

function record(pid) {
  if (process.env.CI_PIDS_FILE) fs.appendFileSync(process.env.CI_PIDS_FILE, `pgid ${pid}\n`)
}

export function run(cmd, args, { cwd = ROOT, env = {}, log = () => {}, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    started.add(child)
    record(child.pid)
    let tail = ""
    const keep = (d) => {
      tail = (tail + d).slice(-8000)
      if (!quiet) process.stdout.write(d)
    }
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    child.on("exit", (code) => {
      started.delete(child)
      if (code === 0) resolve(tail)
      else reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${tail}`))
    })
  })
}

/** medusa build (backend only) + medusa-config.js + node_modules link. Skipped with reuse=true when present. */
export async function buildApp({ reuse = false, log = () => {} } = {}) {
  const built = () => fs.existsSync(path.join(SERVER_DIR, "src", "modules", "personalization"))
  if (!(reuse && built())) {
    const t0 = Date.now()
    try {
      await run(process.execPath, [CLI, "build"], { env: { MEDUSA_ADMIN_DISABLE: "true", NODE_ENV: "production" } })
    } catch (e) {
      // `medusa build` exits non-zero on type errors but still emits the JS; the boot below is the real check.
      if (!built()) throw e
      log(`medusa build reported errors but emitted the backend; continuing (${String(e.message).split("\n")[0]})`)
    }
    log(`medusa build: ${((Date.now() - t0) / 1000).toFixed(0)} s`)
  }
  const ts = require("typescript")
  const source = fs.readFileSync(path.join(ROOT, "medusa-config.ts"), "utf8")
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true } })
  fs.writeFileSync(path.join(SERVER_DIR, "medusa-config.js"), out.outputText)
  const link = path.join(SERVER_DIR, "node_modules")
  if (!fs.existsSync(link)) fs.symlinkSync(path.join(ROOT, "node_modules"), link, "dir")
}

export function baseEnv(extra = {}) {
  return {
    NODE_ENV: "production",
    MEDUSA_ADMIN_DISABLE: "true",
    MEDUSA_DISABLE_TELEMETRY: "true",
    JWT_SECRET: "bench-secret",
    COOKIE_SECRET: "bench-secret",
    LOG_LEVEL: "warn",
    ...extra,
  }
}

export async function migrate(env, log = () => {}) {
  const t0 = Date.now()
  await run(process.execPath, [CLI, "db:migrate"], { cwd: SERVER_DIR, env: baseEnv(env) })
  log(`medusa db:migrate: ${((Date.now() - t0) / 1000).toFixed(0)} s`)
}

export async function createAdmin(env, email, password) {
  await run(process.execPath, [CLI, "user", "-e", email, "-p", password], { cwd: SERVER_DIR, env: baseEnv(env) })
}

/** Starts `medusa start` on `port`; resolves once GET /health answers. */
export async function startMedusa({ port, env = {}, name = "medusa", log = () => {}, nodeArgs = [], cwd = SERVER_DIR }) {
  const child = spawn(process.execPath, [...nodeArgs, CLI, "start"], {
    cwd,
    env: { ...process.env, ...baseEnv(env), PORT: String(port) },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  })
  started.add(child)
  record(child.pid)
  let output = ""
  const keep = (d) => (output = (output + d).slice(-20000))
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)
  let exited = null
  child.on("exit", (code) => {
    exited = code
    started.delete(child)
  })
  const t0 = Date.now()
  for (;;) {
    if (exited !== null) throw new Error(`${name} exited (${exited}) during start:\n${output.slice(-4000)}`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`)
      if (res.ok) break
    } catch {}
    if (Date.now() - t0 > 300_000) throw new Error(`${name} did not answer /health within 300 s:\n${output.slice(-4000)}`)
    await new Promise((r) => setTimeout(r, 500))
  }
  log(`${name} ready on :${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${child.pid})`)
  return {
    child,
    pid: child.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => stopChild(child),
  }
}

export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise((r) => child.once("exit", r))
  try {
    process.kill(-child.pid, "SIGTERM")
  } catch {}
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, "SIGKILL")
    } catch {}
  }, 15_000)
  await gone
  clearTimeout(timer)
}

export async function stopAll() {
  await Promise.all([...started].map((c) => stopChild(c)))
}

/** Postgres: DATABASE_URL, else an embedded server under `dir` (throwaway). */
/** `keep`: the data dir outlives the run (the bench's --keep-db, to reuse generated data); fsync stays off. */
export async function database({ dir, name, log = () => {}, keep = false }) {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} }
  const { startEmbeddedPostgres, ensureDatabase } = await import("../../scripts/lib/embedded-pg.mjs")
  fs.mkdirSync(dir, { recursive: true })
  const pg = await startEmbeddedPostgres({ dir, persistent: keep, fsync: false })
  await ensureDatabase({ port: pg.port, user: pg.user, password: pg.password, database: name })
  log(`embedded Postgres on :${pg.port}`)
  return { url: `postgres://${pg.user}:${pg.password}@localhost:${pg.port}/${name}`, port: pg.port, stop: () => pg.stop() }
}

export async function freePort() {
  const { freePort } = await import("../../scripts/lib/embedded-pg.mjs")
  return freePort()
}
