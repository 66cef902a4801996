#!/usr/bin/env node
// Package smoke test, driven by the README: the commands of README.md's "Install into an existing store" section
// (the fenced blocks marked `<!-- smoke: <name> (plugin|store) -->`) run as written — in this checkout ("plugin") or in
// a fresh throwaway Medusa store ("store", TypeScript, as create-medusa-app makes one, admin disabled) — then the
// store migrates, boots (`medusa start`) and serves the plugin's admin and store routes over HTTP. Install ways, in
// order, on the same store: the packed tarball, then Medusa's local-plugin flow (plugin:publish / plugin:add, with
// its yalc store inside the work dir), then (opt-in) a git dependency from docs/install.md. Everything it starts it
// stops, also on failure.
//
// Usage: node scripts/ci/smoke.mjs
// Env:
//   SMOKE_METHODS   comma list of tarball,yalc,git (default tarball,yalc; git adds ~2 min: npm installs the plugin's
//                   dev dependencies in a clone and builds it)
//   CI_TMP          parent dir for scratch files (default os.tmpdir()); the work dir inside it is removed at the end
//   CI_PIDS_FILE    file to append "pgid <n>" lines to, so .ci/run's trap can stop the server if this script dies
//   SMOKE_KEEP=1    keep the work dir (store, logs) for debugging
//   SMOKE_TARBALL_OUT  copy the packed tarball here (the upgrade leg reuses it instead of building again)
//   SMOKE_NODE_MODULES_OUT  move the store's node_modules here at the end (same filesystem; the upgrade leg's store
//                   starts from it: its npm install then only swaps the plugin, ~100 s saved)
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { spawnSync } from "node:child_process"
import * as H from "./lib/host-app.mjs"

const { ROOT, PLUGIN_NAME } = H
const R = H.reporter("smoke")
const METHODS = (process.env.SMOKE_METHODS || "tarball,yalc").split(",").map((m) => m.trim()).filter(Boolean)
const WORK = H.workDir("mp-smoke-")
const HOST = path.join(WORK, "store")
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))
const TGZ = path.join(ROOT, `${PLUGIN_NAME}-${pkg.version}.tgz`)

let server = null
let pg = null
const tgzWasThere = fs.existsSync(TGZ)
let cleaningUp = null

// Commands run with HOME inside the work dir, so `medusa plugin:publish` (yalc) writes its store there, not in ~/.yalc;
// npm keeps using the machine's cache.
const npmCache = spawnSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).stdout.trim() || path.join(os.homedir(), ".npm")
const cmdEnv = {
  HOME: path.join(WORK, "home"),
  npm_config_cache: npmCache,
  npm_config_update_notifier: "false",
  npm_config_fund: "false",
  npm_config_audit: "false",
  MEDUSA_DISABLE_TELEMETRY: "true",
}
fs.mkdirSync(cmdEnv.HOME, { recursive: true })

function cleanup() {
  cleaningUp ??= (async () => {
    const step = async (name, fn) => {
      const t0 = Date.now()
      try {
        await fn()
      } catch (e) {
        R.log(`${name} failed: ${e?.message ?? e}`)
      }
      R.log(`  ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    }
    if (server) await step("stop server", () => H.stopServer(server))
    if (pg) await step("stop Postgres", () => pg.server.stop())
    if (!tgzWasThere) fs.rmSync(TGZ, { force: true }) // the README's `npm pack` wrote it into the checkout
    const nm = path.join(HOST, "node_modules")
    const out = process.env.SMOKE_NODE_MODULES_OUT
    if (out && fs.existsSync(nm) && !fs.existsSync(out)) await step("hand the store's node_modules on", () => fs.promises.rename(nm, out))
    if (process.env.SMOKE_KEEP === "1") R.log(`kept work dir ${WORK}`)
    else await step("remove work dir", () => fs.promises.rm(WORK, { recursive: true, force: true }))
  })()
  return cleaningUp
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    if (!cleaningUp) R.log(`got ${sig}; cleaning up`)
    await cleanup()
    process.exit(128 + (os.constants.signals[sig] ?? 1))
  })
}

/** Runs a README block as written (bash -euo pipefail) where it says: this checkout or the store. */
async function runBlock(blocks, name, { substitute = {}, quiet = false } = {}) {
  const b = blocks.get(name)
  if (!b) throw new Error(`README has no block marked \`<!-- smoke: ${name} (…) -->\``)
  let code = b.code.replaceAll("/path/to/medusa-personalization", ROOT)
  for (const [from, to] of Object.entries(substitute)) code = code.replaceAll(from, to)
  const cwd = b.where === "plugin" ? ROOT : HOST
  const first = code.split("\n").find((l) => l.trim() && !l.trim().startsWith("#")) ?? ""
  return R.phase(`README ${name} (${b.where}): ${first.trim()}${code.trim().includes("\n") ? " …" : ""}`, () =>
    H.mustRun("bash", ["-euo", "pipefail", "-c", code], { cwd, env: cmdEnv, quiet })
  )
}

const hostDependency = () => JSON.parse(fs.readFileSync(path.join(HOST, "package.json"), "utf8")).dependencies?.[PLUGIN_NAME]

let admin = null
let pk = null

/** The README's migrate block, then boot and call the plugin's routes. `first`: the store has no plugin data yet. */
async function migrateAndServe(label, blocks, { first }) {
  const dbEnv = { ...cmdEnv, DATABASE_URL: pg.databaseUrl, NODE_ENV: "production" }
  const migrate = await R.phase(`[${label}] README migrate (store): npx medusa db:migrate`, () =>
    H.run("bash", ["-euo", "pipefail", "-c", blocks.get("migrate").code], { cwd: HOST, env: dbEnv, quiet: true })
  )
  if (migrate.code !== 0) console.log(migrate.out.split("\n").slice(-40).join("\n").replace(/^(?=.)/gm, "    "))
  R.check(`[${label}] db:migrate exits 0`, migrate.code === 0, migrate.code === 0 ? "" : `exit ${migrate.code}`)
  if (first) {
    R.check(
      `[${label}] db:migrate ran the plugin module's migrations (log: 'MODULE: personalization')`,
      /MODULE: personalization\b/.test(migrate.out),
      /MODULE: personalization\b/.test(migrate.out) ? "" : "no 'MODULE: personalization' line in the migrate output"
    )
  }
  const tables = await H.withDb(pg.databaseUrl, async (c) =>
    (await c.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'personalization%' ORDER BY 1")).rows.map(
      (r) => r.table_name
    )
  )
  R.check(`[${label}] the plugin's tables exist (${tables.length})`, tables.includes("personalization_segment") && tables.length >= 14, tables.join(", ") || "(none)")
  if (migrate.code !== 0) throw new Error("db:migrate failed; not booting the server")

  const port = await H.freePort()
  server = H.startServer(HOST, { port, env: dbEnv, logFile: path.join(WORK, `medusa-start-${label}.log`) })
  const healthy = await R.phase(`[${label}] medusa start until /health`, () => H.waitHealthy(server))
  if (!R.check(`[${label}] server answers /health`, healthy, server.exited ? `exited with ${server.exitCode}` : "")) {
    console.log(H.tail(server.logFile))
    throw new Error("server did not become healthy")
  }
  const base = server.base
  if (!admin) {
    admin = await R.phase("medusa user + admin login", () => H.adminToken(HOST, dbEnv, base, "smoke@example.com"))
    const key = await H.http("POST", `${base}/admin/api-keys`, { body: { title: "smoke", type: "publishable" }, headers: admin })
    pk = key.json?.api_key?.token
    R.check("POST /admin/api-keys (publishable)", key.status === 200 && !!pk, H.short(key))
  }

  const list0 = await H.http("GET", `${base}/admin/personalization/segments`, { headers: admin })
  if (first) {
    R.check(
      `[${label}] GET /admin/personalization/segments → 200 { segments: [], count: 0 }`,
      list0.status === 200 && Array.isArray(list0.json?.segments) && list0.json.segments.length === 0 && list0.json.count === 0,
      H.short(list0)
    )
    const created = await H.http("POST", `${base}/admin/personalization/segments`, {
      headers: admin,
      body: { handle: "smoke", name: "Smoke", rule_text: "orders_count >= 1" },
    })
    R.check(`[${label}] POST /admin/personalization/segments → 201 with the segment`, created.status === 201 && created.json?.segment?.handle === "smoke", H.short(created))
    const list1 = await H.http("GET", `${base}/admin/personalization/segments`, { headers: admin })
    R.check(`[${label}] GET /admin/personalization/segments → count 1 after create`, list1.status === 200 && list1.json?.count === 1, H.short(list1))
  } else {
    R.check(
      `[${label}] GET /admin/personalization/segments → the segment made before the reinstall`,
      list0.status === 200 && list0.json?.count === 1 && list0.json.segments[0]?.handle === "smoke",
      H.short(list0)
    )
  }
  const me = await H.http("GET", `${base}/store/personalization/me`, {
    headers: { ...(pk ? { "x-publishable-api-key": pk } : {}), "x-visitor-id": `smoke-visitor-${label}` },
  })
  R.check(`[${label}] GET /store/personalization/me (publishable key, guest visitor) → 200`, me.status === 200, H.short(me))
  if (R.failed()) {
    R.log(`server log tail (${server.logFile}):`)
    console.log(H.tail(server.logFile, 40))
  }
  await H.stopServer(server)
  server = null
}

async function main() {
  R.log(`work dir ${WORK}; install ways: ${METHODS.join(", ")}`)
  const blocks = H.readmeBlocks()
  for (const m of ["pack", "install-tarball", "yalc-publish", "yalc-add", "config", "migrate"]) {
    if (!blocks.has(m)) throw new Error(`README.md lost its block marked <!-- smoke: ${m} … -->`)
  }
  R.check(
    `README's tarball name is this version's (${path.basename(TGZ)})`,
    blocks.get("install-tarball").code.includes(path.basename(TGZ)),
    blocks.get("install-tarball").code.includes(path.basename(TGZ)) ? "" : "the README's install-tarball block names another version"
  )

  // The root/permission guard of the embedded Postgres (issue #24.5), both sides, before anything uses it.
  const guard = await R.phase("root guard: node --test scripts/lib/pg-access.test.mjs", () =>
    H.run(process.execPath, ["--test", path.join(ROOT, "scripts/lib/pg-access.test.mjs")], { quiet: true })
  )
  R.check("embedded Postgres root/permission guard (allowed, refused in one line, allowed again)", guard.code === 0, guard.code === 0 ? "" : guard.out.slice(-600))

  pg = await R.phase("embedded Postgres start", () => H.startPostgres(path.join(WORK, "pg"), "medusa-smoke"))
  R.log(`Postgres on 127.0.0.1:${pg.server.port}`)
  H.writeHost(HOST, { pluginsText: H.pluginsEntry(blocks.get("config").code) })

  if (METHODS.includes("tarball")) {
    const packedAt = Date.now()
    await runBlock(blocks, "pack")
    R.check("npm pack wrote a fresh tarball into the checkout", fs.existsSync(TGZ) && fs.statSync(TGZ).mtimeMs >= packedAt - 1000)
    const files = await H.tarballFiles(TGZ)
    R.log(`${path.basename(TGZ)}: ${files.length} files, ${(fs.statSync(TGZ).size / 1024).toFixed(1)} kB`)
    const must = [
      "package.json",
      ".medusa/server/src/modules/personalization/index.js",
      ".medusa/server/src/api/admin/personalization/segments/route.js",
      ".medusa/server/src/scripts/uninstall.js",
      "CHANGELOG.md",
      "docs/install.md",
    ]
    const missing = must.filter((f) => !files.includes(f))
    R.check("tarball ships the plugin, its uninstall script and docs", missing.length === 0, missing.length ? `missing: ${missing.join(", ")}` : "")
    const leaked = files.filter((f) => /(^|\/)(medusa-config\.(js|ts)|\.env)|scripts\/demo\/|seed-demo|(integration-tests|__tests__)\//.test(f))
    R.check("tarball ships no host config, demo seed or test code", leaked.length === 0, leaked.slice(0, 5).join(", "))
    if (process.env.SMOKE_TARBALL_OUT) fs.copyFileSync(TGZ, process.env.SMOKE_TARBALL_OUT)

    await runBlock(blocks, "install-tarball", { quiet: true })
    R.check(
      "the store depends on the vendored tarball",
      hostDependency() === `file:vendor/${path.basename(TGZ)}`,
      `package.json has ${hostDependency()}`
    )
    await migrateAndServe("tarball", blocks, { first: true })
  }

  if (METHODS.includes("yalc")) {
    await runBlock(blocks, "yalc-publish", { quiet: true })
    await runBlock(blocks, "yalc-add", { quiet: true })
    const real = fs.realpathSync(path.join(HOST, "node_modules", PLUGIN_NAME))
    R.check(
      "the store depends on the yalc copy (file:.yalc/…) and loads it from there",
      hostDependency() === `file:.yalc/${PLUGIN_NAME}` && real === path.join(HOST, ".yalc", PLUGIN_NAME),
      `package.json has ${hostDependency()}, node_modules → ${real}`
    )
    await migrateAndServe("yalc", blocks, { first: !METHODS.includes("tarball") })
  }

  if (METHODS.includes("git")) {
    const docBlocks = H.readmeBlocks(path.join(ROOT, "docs/install.md"))
    const sha = spawnSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim()
    const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" }).stdout.trim()
    if (dirty) R.log("note: the git way installs the last commit; uncommitted changes are not in it")
    const gitBlocks = new Map([...docBlocks].filter(([n]) => n.startsWith("git")))
    for (const name of gitBlocks.keys()) {
      await runBlock(gitBlocks, name, {
        quiet: true,
        substitute: { "git+https://github.com/OWNER/medusa-personalization.git": `git+file://${ROOT}`, "#v0.1.0": `#${sha}` },
      })
    }
    const built = fs.existsSync(path.join(HOST, "node_modules", PLUGIN_NAME, ".medusa/server/src/modules/personalization/index.js"))
    R.check("the git dependency was built by its prepare script", built && /^git\+file:/.test(hostDependency() ?? ""), `dependency ${hostDependency()}`)
    await migrateAndServe("git", blocks, { first: !METHODS.includes("tarball") && !METHODS.includes("yalc") })
  }
}

let failed = false
try {
  await main()
} catch (e) {
  failed = true
  R.log(`ERROR: ${e?.stack ?? e}`)
} finally {
  await R.phase("shutdown", cleanup)
}
process.exit(R.summary(failed) ? 0 : 1)
