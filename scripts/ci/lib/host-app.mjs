// Shared by the smoke test (scripts/ci/smoke.mjs) and the upgrade test (scripts/ci/upgrade.mjs): a throwaway Medusa
// store ("host app") the way a merchant has one, an embedded Postgres for it, commands, HTTP, the README's install
// blocks, and a reporter (timed phases, checks, summary). Everything a run starts is stopped by its cleanup.
import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
export const MEDUSA_VERSION = "2.21.2"
export const PLUGIN_NAME = "medusa-personalization"
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Timed phases and checks, printed as they happen and summed up at the end. */
export function reporter(tag) {
  const timings = []
  const checks = []
  const log = (msg) => console.log(`[${tag}] ${msg}`)
  return {
    log,
    checks,
    async phase(name, fn) {
      const t0 = Date.now()
      log(`▶ ${name}`)
      try {
        return await fn()
      } finally {
        const s = ((Date.now() - t0) / 1000).toFixed(1)
        timings.push([name, s])
        log(`◀ ${name} (${s} s)`)
      }
    },
    /** A failed check fails the run; with { warn: true } it is only reported. */
    check(name, ok, detail = "", { warn = false } = {}) {
      ok = !!ok
      checks.push({ name, ok, detail, warn })
      // a passing check shows only the start of its evidence; a failing one all of it
      const shown = ok && detail.length > 160 ? detail.slice(0, 160) + "…" : detail
      log(`${ok ? "PASS" : warn ? "WARN" : "FAIL"} ${name}${shown ? ` — ${shown}` : ""}`)
      return ok
    },
    failed: () => checks.some((c) => !c.ok && !c.warn),
    summary(failed) {
      console.log(`\n[${tag}] ── summary ──`)
      for (const [name, s] of timings) console.log(`[${tag}]   ${s.padStart(6)} s  ${name}`)
      for (const c of checks) console.log(`[${tag}]   ${c.ok ? "PASS" : c.warn ? "WARN" : "FAIL"}  ${c.name}${c.ok ? "" : ` — ${c.detail}`}`)
      const ok = !failed && checks.length > 0 && checks.every((c) => c.ok || c.warn)
      console.log(`[${tag}] ${ok ? "OK" : "FAILED"}`)
      return ok
    },
  }
}

/** Runs a command; resolves with { code, out }. Output is streamed (indented) unless quiet, and captured. */
export function run(cmd, args, { cwd = ROOT, env = {}, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    const onData = (d) => {
      const s = d.toString()
      out += s
      if (!quiet) process.stdout.write(s.replace(/^(?=.)/gm, "    "))
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("error", reject)
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out }))
  })
}

export async function mustRun(cmd, args, opts) {
  const r = await run(cmd, args, opts)
  if (r.code !== 0) {
    if (opts?.quiet) console.log(r.out.split("\n").slice(-40).join("\n").replace(/^(?=.)/gm, "    "))
    throw new Error(`\`${cmd} ${args.join(" ")}\` exited with ${r.code}`)
  }
  return r
}

export async function http(method, url, { body, headers = {} } = {}) {
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

export const short = (r) => {
  const t = r.text.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim()
  return `HTTP ${r.status} ${t.length > 300 ? t.slice(0, 300) + "…" : t}`
}

export function tail(file, n = 60) {
  try {
    return fs.readFileSync(file, "utf8").split("\n").slice(-n).join("\n")
  } catch {
    return "(no log)"
  }
}

/** A scratch dir the embedded Postgres (run as another user when we are root) can walk into. */
export function workDir(prefix) {
  const parent = process.env.CI_TMP || os.tmpdir()
  fs.mkdirSync(parent, { recursive: true })
  const dir = fs.mkdtempSync(path.join(parent, prefix))
  fs.chmodSync(dir, 0o755)
  return dir
}

// ---- the README's install section --------------------------------------------------------------------------------

/**
 * The fenced blocks of README.md marked `<!-- smoke: <name> (plugin|store) -->`: { name → { where, lang, code } }.
 * The smoke test runs them as written, so the README cannot drift from what works.
 */
export function readmeBlocks(readmePath = path.join(ROOT, "README.md")) {
  const text = fs.readFileSync(readmePath, "utf8")
  const blocks = new Map()
  const re = /<!-- smoke: ([a-z0-9-]+) \((plugin|store)\) -->\s*\n```([a-z]+)\n([\s\S]*?)```/g
  for (const m of text.matchAll(re)) {
    if (blocks.has(m[1])) throw new Error(`README.md: two blocks marked smoke: ${m[1]}`)
    blocks.set(m[1], { name: m[1], where: m[2], lang: m[3], code: m[4] })
  }
  return blocks
}

/** `plugins: [ … ]` cut out of a medusa-config snippet (bracket-matched), to place in the host's own config. */
export function pluginsEntry(configCode) {
  const start = configCode.indexOf("plugins:")
  if (start < 0) throw new Error("README config block has no `plugins:` entry")
  const open = configCode.indexOf("[", start)
  let depth = 0
  for (let i = open; i < configCode.length; i++) {
    if (configCode[i] === "[") depth++
    else if (configCode[i] === "]" && --depth === 0) return configCode.slice(start, i + 1)
  }
  throw new Error("README config block: unbalanced `plugins: [`")
}

// ---- the host app ------------------------------------------------------------------------------------------------

/**
 * Writes a store as create-medusa-app makes one (TypeScript, Medusa 2.21.2, yalc for `medusa plugin:add`), without
 * the plugin in package.json (the install commands add it), with `pluginsText` (e.g. the README's `plugins: [...]`)
 * in medusa-config.ts. The admin is disabled: its vite build is slow and not what these tests are about.
 */
export function writeHost(hostDir, { pluginsText, dependencies = {} }) {
  fs.mkdirSync(path.join(hostDir, "src"), { recursive: true })
  const pinned = (names) => Object.fromEntries(names.map((n) => [`@medusajs/${n}`, MEDUSA_VERSION]))
  const pkg = {
    name: "mp-host-store",
    version: "0.0.0",
    private: true,
    scripts: { build: "medusa build", start: "medusa start", dev: "medusa develop" },
    dependencies: { ...pinned(["admin-sdk", "cli", "framework", "medusa"]), ...dependencies },
    devDependencies: {
      "@swc/core": "^1.7.28",
      "@types/node": "^20.12.11",
      react: "^18.3.1",
      "react-dom": "^18.3.1",
      "ts-node": "^10.9.2",
      typescript: "^5.6.2",
      yalc: "^1.0.0-pre.53",
    },
    engines: { node: ">=20" },
  }
  fs.writeFileSync(path.join(hostDir, "package.json"), JSON.stringify(pkg, null, 2) + "\n")
  writeHostConfig(hostDir, pluginsText)
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
        exclude: ["node_modules", ".medusa/server", ".medusa/admin", ".cache", ".yalc", "vendor"],
      },
      null,
      2
    )
  )
}

export function writeHostConfig(hostDir, pluginsText) {
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
  admin: { disable: true },
${pluginsText ? `  ${pluginsText.split("\n").join("\n  ")},\n` : ""}})
`
  )
}

/** Embedded Postgres (the repo's helper) with one database; returns { server, databaseUrl }. */
export async function startPostgres(dir, database) {
  const { startEmbeddedPostgres, ensureDatabase } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  const server = await startEmbeddedPostgres({ dir, persistent: false })
  await ensureDatabase({ port: server.port, user: server.user, password: server.password, database })
  return { server, databaseUrl: `postgres://${server.user}:${server.password}@127.0.0.1:${server.port}/${database}` }
}

export async function freePort() {
  const { freePort: fp } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  return fp()
}

/** A pg client (the repo's `pg`) on the host's database; `fn(client)` then closes it. */
export async function withDb(databaseUrl, fn) {
  const pg = createRequire(path.join(ROOT, "package.json"))("pg")
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** `medusa start` (or develop) in its own process group, logging to logFile; recorded for .ci/run's cleanup. */
export function startServer(hostDir, { port, env, logFile, cmd = "start" }) {
  const fd = fs.openSync(logFile, "a")
  const child = spawn(path.join(hostDir, "node_modules/.bin/medusa"), [cmd, "--port", String(port)], {
    cwd: hostDir,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", fd, fd],
    detached: true,
  })
  fs.closeSync(fd)
  if (process.env.CI_PIDS_FILE) fs.appendFileSync(process.env.CI_PIDS_FILE, `pgid ${child.pid}\n`)
  const s = { child, logFile, exited: false, exitCode: null, base: `http://127.0.0.1:${port}` }
  child.on("exit", (code, signal) => {
    s.exited = true
    s.exitCode = code ?? signal
  })
  return s
}

export async function stopServer(s) {
  if (!s || s.exited) return
  const kill = (sig) => {
    try {
      process.kill(-s.child.pid, sig)
    } catch {}
  }
  kill("SIGTERM")
  for (let i = 0; i < 150 && !s.exited; i++) await sleep(100)
  if (!s.exited) {
    kill("SIGKILL")
    for (let i = 0; i < 50 && !s.exited; i++) await sleep(100)
  }
  kill("SIGKILL") // develop's forked child may outlive the group leader briefly
}

/** Waits for /health (true) or the server's exit / the deadline (false). */
export async function waitHealthy(s, timeoutMs = 180_000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (s.exited) return false
    try {
      const r = await fetch(`${s.base}/health`, { signal: AbortSignal.timeout(2000) })
      if (r.status === 200) return true
    } catch {}
    await sleep(500)
  }
  return false
}

/** An admin user made with `medusa user` (as a merchant does) and its bearer token. */
export async function adminToken(hostDir, env, base, email = "ci-admin@example.com") {
  const password = "ci-" + Math.random().toString(36).slice(2)
  await mustRun(path.join(hostDir, "node_modules/.bin/medusa"), ["user", "-e", email, "-p", password], { cwd: hostDir, env, quiet: true })
  const auth = await http("POST", `${base}/auth/user/emailpass`, { body: { email, password } })
  if (auth.status !== 200 || !auth.json?.token) throw new Error(`admin login failed: ${short(auth)}`)
  return { authorization: `Bearer ${auth.json.token}` }
}

/** Files of a .tgz (tar -tzf), without the leading "package/". */
export async function tarballFiles(tgz) {
  const r = await mustRun("tar", ["-tzf", tgz], { quiet: true })
  return r.out
    .split("\n")
    .filter(Boolean)
    .map((f) => f.replace(/^package\//, ""))
}
