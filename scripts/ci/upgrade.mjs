#!/usr/bin/env node
// Upgrade and uninstall test (issue #24.3 / #24.4), in a throwaway Medusa store with data in it:
//   1. the PREVIOUS version of the plugin (a git ref, built and packed from `git archive`) is installed from its
//      tarball, migrated and booted; customers, consent (customers and a guest visitor), segments with members (one
//      needing marketing consent), a gated promotion and price list are made over HTTP, as a merchant's store makes them;
//   2. the CURRENT tarball is installed over it the documented way (`npm install ./vendor/<new>.tgz`),
//      `npx medusa db:migrate` runs, the store boots: every segment, membership and consent row, every profile, the
//      managed groups and their customers are compared with what was there before (every column the old schema had),
//      and every migration the new tarball ships is recorded as applied;
//   3. uninstall, as docs/install.md says: the `medusa exec` dry run lists exactly what SQL finds and changes nothing;
//      `--yes` removes it (the gated promotion deactivated, groups deleted, tables and migration records gone); the
//      plugin leaves medusa-config.ts and package.json, `db:migrate` runs and the store boots without it, customers kept;
//      (opt-in) installing it again migrates from scratch.
//
// Usage: node scripts/ci/upgrade.mjs
// Env:
//   UPGRADE_FROM      git ref of the previous version (default: the newest v* tag before HEAD, else 2226b59 — the last commit
//                     before the install/upgrade work of issue #24, no release being tagged yet)
//   UPGRADE_TARBALL   the current version's tarball (e.g. the smoke leg's SMOKE_TARBALL_OUT); default: build + pack here
//   UPGRADE_NODE_MODULES  a store node_modules to start from (the smoke leg's SMOKE_NODE_MODULES_OUT; moved, not copied)
//   UPGRADE_REINSTALL=1  also install it again after the uninstall and check it migrates from scratch (~30 s)
//   CI_TMP, CI_PIDS_FILE, UPGRADE_KEEP=1   as in smoke.mjs
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { spawnSync } from "node:child_process"
import * as H from "./lib/host-app.mjs"

const { ROOT, PLUGIN_NAME } = H
const R = H.reporter("upgrade")
const WORK = H.workDir("mp-upgrade-")
const HOST = path.join(WORK, "store")
const MEDUSA = path.join(HOST, "node_modules/.bin/medusa")
const UNINSTALL = `./node_modules/${PLUGIN_NAME}/.medusa/server/src/scripts/uninstall.js`
const DEFAULT_FROM = "2226b59"

let server = null
let pg = null
let cleaningUp = null

function cleanup() {
  cleaningUp ??= (async () => {
    try {
      if (server) await H.stopServer(server)
    } catch {}
    try {
      if (pg) await pg.server.stop()
    } catch {}
    if (process.env.UPGRADE_KEEP === "1") R.log(`kept work dir ${WORK}`)
    else await fs.promises.rm(WORK, { recursive: true, force: true }).catch(() => undefined)
  })()
  return cleaningUp
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    await cleanup()
    process.exit(128 + (os.constants.signals[sig] ?? 1))
  })
}

const git = (...args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" })

function previousRef() {
  if (process.env.UPGRADE_FROM) return process.env.UPGRADE_FROM
  // the newest release tag that HEAD is not part of (HEAD itself tagged is the version under test)
  const tag = git("tag", "--list", "v*", "--sort=-v:refname", "--no-contains", "HEAD").stdout.split("\n").find(Boolean)
  return tag || DEFAULT_FROM
}

// The scheduled jobs stay out of the way (Feb 29): rows must change only through what the test does.
const PLUGINS = `plugins: [
  {
    resolve: "${PLUGIN_NAME}",
    options: { refreshCron: "0 0 29 2 *", recommendations: { buildCron: "0 0 29 2 *" } },
  },
]`

async function packPrevious(ref) {
  const dir = path.join(WORK, "prev")
  fs.mkdirSync(dir)
  const sha = git("rev-parse", "--short", `${ref}^{commit}`).stdout.trim()
  if (!sha) throw new Error(`UPGRADE_FROM=${ref}: no such commit in this clone (is the history fetched?)`)
  await H.mustRun("bash", ["-c", `git -C "${ROOT}" archive ${sha} | tar -x -C "${dir}"`], { quiet: true })
  // The same dependency tree (the lockfile's packages, the root entry aside): build with this checkout's node_modules;
  // otherwise install the old version's own (slower).
  const tree = (d) => {
    try {
      const lock = JSON.parse(fs.readFileSync(path.join(d, "package-lock.json"), "utf8"))
      delete lock.packages[""]
      return JSON.stringify(lock.packages)
    } catch {
      return null
    }
  }
  if (tree(dir) !== null && tree(dir) === tree(ROOT)) fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"))
  else await R.phase(`npm install for ${sha} (its lockfile differs)`, () => H.mustRun("npm", ["install", "--no-audit", "--no-fund"], { cwd: dir, quiet: true }))
  await R.phase(`build ${sha} (medusa plugin:build)`, () => H.mustRun("npx", ["medusa", "plugin:build"], { cwd: dir, quiet: true }))
  const r = await H.mustRun("npm", ["pack", "--json", "--pack-destination", WORK], { cwd: dir, quiet: true })
  const name = JSON.parse(r.out.slice(r.out.indexOf("[")))[0].filename
  const tgz = path.join(WORK, "medusa-personalization-prev.tgz")
  fs.renameSync(path.join(WORK, name), tgz)
  fs.rmSync(dir, { recursive: true, force: true })
  return { tgz, sha }
}

async function packCurrent() {
  const out = path.join(WORK, "medusa-personalization-next.tgz")
  if (process.env.UPGRADE_TARBALL && fs.existsSync(process.env.UPGRADE_TARBALL)) {
    fs.copyFileSync(process.env.UPGRADE_TARBALL, out)
    R.log(`current version: ${process.env.UPGRADE_TARBALL} (packed by the smoke leg)`)
    return out
  }
  await R.phase("build this checkout (npm run build)", () => H.mustRun("npm", ["run", "build"], { quiet: true }))
  const r = await H.mustRun("npm", ["pack", "--json", "--pack-destination", WORK], { quiet: true })
  fs.renameSync(path.join(WORK, JSON.parse(r.out.slice(r.out.indexOf("[")))[0].filename), out)
  return out
}

const dbEnv = () => ({ DATABASE_URL: pg.databaseUrl, NODE_ENV: "production", MEDUSA_DISABLE_TELEMETRY: "true" })

async function migrate(label) {
  const r = await R.phase(`${label}: npx medusa db:migrate`, () => H.run(MEDUSA, ["db:migrate"], { cwd: HOST, env: dbEnv(), quiet: true }))
  if (r.code !== 0) console.log(r.out.split("\n").slice(-40).join("\n").replace(/^(?=.)/gm, "    "))
  R.check(`${label}: db:migrate exits 0`, r.code === 0, r.code === 0 ? "" : `exit ${r.code}`)
  if (r.code !== 0) throw new Error("db:migrate failed")
  return r
}

async function boot(label) {
  server = H.startServer(HOST, { port: await H.freePort(), env: dbEnv(), logFile: path.join(WORK, `medusa-${label}.log`) })
  const ok = await R.phase(`${label}: medusa start until /health`, () => H.waitHealthy(server))
  if (!R.check(`${label}: server answers /health`, ok, server.exited ? `exited with ${server.exitCode}` : "")) {
    console.log(H.tail(server.logFile))
    throw new Error("server did not become healthy")
  }
  return server.base
}

async function stop() {
  await H.stopServer(server)
  server = null
}

const db = (fn) => H.withDb(pg.databaseUrl, fn)
const rows = async (sql, params = []) => db(async (c) => (await c.query(sql, params)).rows)

// ---- the store's data ------------------------------------------------------------------------------------------

async function makeData(base) {
  const admin = await H.adminToken(HOST, dbEnv(), base, "upgrade@example.com")
  const call = async (method, url, body, headers = admin) => {
    const r = await H.http(method, `${base}${url}`, { body, headers })
    if (r.status >= 300) throw new Error(`${method} ${url}: ${H.short(r)}`)
    return r.json
  }
  const key = await call("POST", "/admin/api-keys", { title: "upgrade", type: "publishable" })
  const pk = { "x-publishable-api-key": key.api_key.token }

  // shoppers register as a storefront does; c1 consents to personalization, c2 also to marketing, c3 to nothing
  const consents = [{ personalization: "granted" }, { personalization: "granted", marketing: "granted" }, null]
  for (const [i, purposes] of consents.entries()) {
    const email = `c${i + 1}@upgrade.example`
    const reg = await call("POST", "/auth/customer/emailpass/register", { email, password: "s3cret-pass" }, {})
    await call("POST", "/store/customers", { email, first_name: `C${i + 1}`, last_name: "Upgrade" }, { ...pk, authorization: `Bearer ${reg.token}` })
    const login = await call("POST", "/auth/customer/emailpass", { email, password: "s3cret-pass" }, {})
    if (purposes) await call("POST", "/store/personalization/consent", { purposes }, { ...pk, authorization: `Bearer ${login.token}` })
  }
  // a guest visitor with consent and an event
  const visitor = { ...pk, "x-visitor-id": "upgrade-visitor-0001" }
  await call("POST", "/store/personalization/consent", { purposes: { personalization: "granted", analytics: "granted" } }, visitor)
  await call("POST", "/store/personalization/events", { events: [{ id: "upgrade-e1", type: "x_upgrade_probe" }] }, visitor)

  const segment = async (body) => (await call("POST", "/admin/personalization/segments", body)).segment
  const all = await segment({ handle: "upgrade-all", name: "Upgrade all", rule_text: "email_domain = 'upgrade.example'", status: "active" })
  const marketing = await segment({
    handle: "upgrade-marketing",
    name: "Upgrade marketing",
    rule_text: "email_domain = 'upgrade.example'",
    status: "active",
    purpose: "marketing",
  })
  await segment({ handle: "upgrade-draft", name: "Upgrade draft", rule_text: "orders_count >= 5" })
  // a rule referencing another segment: stored by handle before #21.1, by id after (a data migration rewrites it)
  const nested = await segment({
    handle: "upgrade-nested",
    name: "Upgrade nested",
    rule_text: "segment('upgrade-all') AND email_domain = 'upgrade.example'",
    status: "active",
  })

  const promotion = (
    await call("POST", "/admin/promotions", {
      code: "UPGRADE10",
      type: "standard",
      status: "active",
      is_automatic: true,
      application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
    })
  ).promotion
  const priceList = (await call("POST", "/admin/price-lists", { title: "Upgrade prices", description: "members", type: "sale", status: "active" })).price_list
  await call("POST", `/admin/personalization/segments/${all.id}/gate`, { promotion_id: promotion.id })
  await call("POST", `/admin/personalization/segments/${marketing.id}/gate`, { price_list_id: priceList.id })

  // members follow asynchronously: wait until both segments hold exactly whom their consent allows
  const expected = { [all.id]: 2, [marketing.id]: 1, [nested.id]: 2 }
  const deadline = Date.now() + 90_000
  for (;;) {
    const counts = Object.fromEntries(
      await Promise.all(
        Object.keys(expected).map(async (id) => [id, (await call("GET", `/admin/personalization/segments/${id}/members?limit=50`)).count])
      )
    )
    if (Object.entries(expected).every(([id, n]) => counts[id] === n)) break
    if (Date.now() > deadline) throw new Error(`members did not settle: ${JSON.stringify(counts)} (expected ${JSON.stringify(expected)})`)
    await H.sleep(1000)
  }
  return { admin, all, marketing, nested, promotion, priceList }
}

// Everything the upgrade must keep, read with SQL. Profiles: identity columns only (their traits are recomputed).
const KEPT = {
  personalization_segment: "SELECT * FROM personalization_segment ORDER BY id",
  personalization_segment_membership: "SELECT * FROM personalization_segment_membership ORDER BY id",
  personalization_consent_record: "SELECT * FROM personalization_consent_record ORDER BY id",
  personalization_customer_profile: "SELECT id, customer_id, visitor_id, created_at FROM personalization_customer_profile ORDER BY id",
  managed_groups: `SELECT id, name, metadata, deleted_at FROM customer_group WHERE metadata->>'managed_by' = 'medusa-personalization' ORDER BY id`,
  managed_group_customers: `SELECT l.customer_group_id, l.customer_id, l.deleted_at FROM customer_group_customer l
    JOIN customer_group g ON g.id = l.customer_group_id WHERE g.metadata->>'managed_by' = 'medusa-personalization' ORDER BY 1, 2`,
}

async function snapshot() {
  const out = {}
  for (const [name, sql] of Object.entries(KEPT)) out[name] = await rows(sql)
  return out
}

/** A stored rule without the ids segment references carry since #21.1 (the same rule, stored by handle). */
function withoutReferenceIds(node) {
  if (Array.isArray(node)) return node.map(withoutReferenceIds)
  if (!node || typeof node !== "object") return node
  const out = {}
  for (const [k, v] of Object.entries(node)) if (!(k === "id" && node.type === "segment")) out[k] = withoutReferenceIds(v)
  return out
}

/**
 * Rows of `after` restricted to the columns `before` had (new migrations may add columns), as JSON for comparing; a
 * segment's `rule` is compared without its references' ids (a data migration adds them, nothing else may change).
 */
function sameRows(before, after) {
  const cols = before.length ? Object.keys(before[0]) : []
  const value = (r, c) => (r[c] instanceof Date ? r[c].toISOString() : c === "rule" ? withoutReferenceIds(r[c]) : r[c])
  const pick = (r) => JSON.stringify(cols.map((c) => value(r, c)))
  const a = before.map(pick)
  const b = after.map(pick)
  const missing = a.filter((x) => !b.includes(x))
  const extra = b.filter((x) => !a.includes(x))
  const ok = a.length === b.length && !missing.length && !extra.length
  return { ok, detail: ok ? "" : `before ${a.length}, after ${b.length}; missing ${missing.slice(0, 2).join(" ")} extra ${extra.slice(0, 2).join(" ")}` }
}

async function tarballMigrations(tgz) {
  return (await H.tarballFiles(tgz))
    .map((f) => /modules\/personalization\/migrations\/(Migration\d+)\.js$/.exec(f)?.[1])
    .filter(Boolean)
    .sort()
}

async function pluginTables() {
  return (await rows(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'personalization\\_%' ORDER BY 1`)).map(
    (r) => r.table_name
  )
}

async function exec(args) {
  const r = await H.run(MEDUSA, ["exec", UNINSTALL, ...args], { cwd: HOST, env: dbEnv(), quiet: true })
  // the script prints one JSON line each for the plan and the result (Medusa's own log lines may be JSON too)
  const json = {}
  for (const line of r.out.split("\n")) {
    if (!line.startsWith('{"plan"') && !line.startsWith('{"result"')) continue
    try {
      Object.assign(json, JSON.parse(line))
    } catch {}
  }
  return { ...r, json }
}

async function main() {
  const ref = previousRef()
  R.log(`work dir ${WORK}; upgrading from ${ref}`)
  const prev = await R.phase(`pack the previous version (${ref})`, () => packPrevious(ref))
  const next = await R.phase("pack the current version", packCurrent)
  pg = await R.phase("embedded Postgres start", () => H.startPostgres(path.join(WORK, "pg"), "medusa-upgrade"))

  // 1. the store on the previous version, with data
  H.writeHost(HOST, { pluginsText: PLUGINS })
  fs.mkdirSync(path.join(HOST, "vendor"))
  fs.copyFileSync(prev.tgz, path.join(HOST, "vendor", path.basename(prev.tgz)))
  fs.copyFileSync(next, path.join(HOST, "vendor", path.basename(next)))
  const reuse = process.env.UPGRADE_NODE_MODULES
  if (reuse && fs.existsSync(reuse)) {
    // the smoke leg's store has the same package.json: npm only swaps the plugin (and checks the rest)
    fs.renameSync(reuse, path.join(HOST, "node_modules"))
    R.log(`store node_modules: the smoke leg's (${reuse})`)
  }
  await R.phase(`store npm install (plugin at ${prev.sha})`, () =>
    H.mustRun("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `./vendor/${path.basename(prev.tgz)}`], { cwd: HOST, quiet: true })
  )
  await migrate(`previous (${prev.sha})`)
  const base0 = await boot(`previous (${prev.sha})`)
  const data = await R.phase("make data (customers, consent, visitor, segments, gated promotion and price list)", () => makeData(base0))
  await stop()
  const before = await snapshot()
  R.log(
    `before: ${Object.entries(before)
      .map(([k, v]) => `${k} ${v.length}`)
      .join(", ")}`
  )
  // 4 segments (each with its managed group), 2 + 1 + 2 open memberships, consent rows c1 1 + c2 2 + visitor 2,
  // profiles for 3 customers + 1 visitor, 5 links of members to their segments' groups
  R.check(
    "the previous version made the data (4 segments and groups, 2 + 1 + 2 members, 5 consent rows, 4 profiles, 5 group links)",
    before.personalization_segment.length === 4 &&
      before.personalization_segment_membership.filter((m) => !m.exited_at).length === 5 &&
      before.personalization_consent_record.length === 5 &&
      before.personalization_customer_profile.length === 4 &&
      before.managed_groups.length === 4 &&
      before.managed_group_customers.filter((l) => !l.deleted_at).length === 5,
    JSON.stringify(Object.fromEntries(Object.entries(before).map(([k, v]) => [k, v.length])))
  )

  // 2. upgrade the documented way
  await R.phase("upgrade: npm install ./vendor/<new>.tgz", () =>
    H.mustRun("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `./vendor/${path.basename(next)}`], { cwd: HOST, quiet: true })
  )
  const installedPkg = fs.readFileSync(path.join(HOST, "node_modules", PLUGIN_NAME, "package.json"), "utf8")
  const nextPkg = (await H.mustRun("tar", ["-xzOf", next, "package/package.json"], { quiet: true })).out
  R.check("the store now runs the current version (installed package.json = the new tarball's)", installedPkg === nextPkg)
  await migrate("upgraded")
  const shipped = await tarballMigrations(next)
  const recorded = (await rows(`SELECT name FROM mikro_orm_migrations WHERE name = ANY($1::text[]) ORDER BY name`, [shipped])).map((r) => r.name)
  R.check(`every migration the new version ships is applied (${shipped.length})`, shipped.length > 0 && recorded.join() === shipped.join(), `recorded ${recorded.join(", ")}`)
  const base1 = await boot("upgraded")
  const afterBoot = await snapshot()
  for (const name of Object.keys(KEPT)) {
    const { ok, detail } = sameRows(before[name], afterBoot[name])
    R.check(`upgrade kept every row of ${name} (${before[name].length})`, ok, detail)
  }
  const nestedRule = afterBoot.personalization_segment.find((x) => x.id === data.nested.id)?.rule
  const refs = JSON.stringify(nestedRule ?? {}).match(/\{[^{}]*"type":"segment"[^{}]*\}/g) ?? []
  R.check(
    "the new version's data migration ran on the kept data: the nested segment's reference now carries upgrade-all's id",
    refs.length === 1 && JSON.parse(refs[0]).handle === "upgrade-all" && JSON.parse(refs[0]).id === data.all.id,
    JSON.stringify(nestedRule)
  )
  const admin = await H.adminToken(HOST, dbEnv(), base1, "upgrade2@example.com")
  const members = await H.http("GET", `${base1}/admin/personalization/segments/${data.all.id}/members?limit=50`, { headers: admin })
  R.check("the upgraded store serves the kept members (GET …/segments/:id/members → 2)", members.status === 200 && members.json?.count === 2, H.short(members))
  await stop()

  // 3. uninstall (docs/install.md#uninstall), in this store
  const tablesBefore = await pluginTables()
  const dry = await R.phase("uninstall dry run (medusa exec … uninstall.js -- --json)", () => exec(["--", "--json"]))
  const plan = dry.json.plan
  R.check("uninstall dry run exits 0 with a plan", dry.code === 0 && !!plan, dry.code === 0 && plan ? "" : dry.out.slice(-400))
  const groupIds = before.managed_groups.map((g) => g.id).sort()
  R.check(
    "dry run lists the managed groups, the gated promotion and price list, every table and migration",
    plan &&
      plan.groups.map((g) => g.id).sort().join() === groupIds.join() &&
      plan.promotions.some((p) => p.promotion_id === data.promotion.id && p.change.kind === "remove" && p.change.deactivate) &&
      plan.price_lists.some((p) => p.price_list_id === data.priceList.id && p.change.kind === "remove" && p.change.deactivate) &&
      plan.tables.map((t) => t.name).join() === tablesBefore.join() &&
      plan.migrations.join() === shipped.join(),
    JSON.stringify(plan).slice(0, 600)
  )
  const afterDry = await snapshot()
  R.check("the dry run changed nothing", JSON.stringify(afterDry) === JSON.stringify(afterBoot))
  const run = await R.phase("uninstall (… uninstall.js -- --yes --json)", () => exec(["--", "--yes", "--json"]))
  R.check("uninstall --yes exits 0", run.code === 0 && !!run.json.result, run.code === 0 && run.json.result ? "" : run.out.slice(-600))
  const promo = await rows(
    `SELECT p.status, (SELECT count(*)::int FROM promotion_promotion_rule pr JOIN promotion_rule r ON r.id = pr.promotion_rule_id
        WHERE pr.promotion_id = p.id AND r.deleted_at IS NULL) AS rules FROM promotion p WHERE p.id = $1`,
    [data.promotion.id]
  )
  const list = await rows(`SELECT status FROM price_list WHERE id = $1`, [data.priceList.id])
  R.check(
    "the promotion and price list gated only on a segment are kept but deactivated, their group rule gone",
    promo[0]?.status === "inactive" && promo[0]?.rules === 0 && list[0]?.status === "draft",
    JSON.stringify({ promo, list })
  )
  const liveGroups = await rows(`SELECT id FROM customer_group WHERE id = ANY($1::text[]) AND deleted_at IS NULL`, [groupIds])
  const customers = await rows(`SELECT count(*)::int AS n FROM customer WHERE deleted_at IS NULL`)
  R.check("managed groups deleted, the 3 customers kept", liveGroups.length === 0 && customers[0].n === 3, JSON.stringify({ liveGroups, customers }))
  const left = await pluginTables()
  const records = await rows(`SELECT name FROM mikro_orm_migrations WHERE name = ANY($1::text[])`, [shipped])
  R.check("the plugin's tables and migration records are gone", left.length === 0 && records.length === 0, `tables ${left.join(", ")}; records ${records.length}`)

  H.writeHostConfig(HOST, "")
  await R.phase("npm uninstall medusa-personalization", () => H.mustRun("npm", ["uninstall", "--no-audit", "--no-fund", "--loglevel=error", PLUGIN_NAME], { cwd: HOST, quiet: true }))
  await migrate("without the plugin")
  const base2 = await boot("without the plugin")
  const gone = await H.http("GET", `${base2}/admin/personalization/segments`, { headers: admin })
  const still = await H.http("GET", `${base2}/admin/customers?limit=10`, { headers: admin })
  R.check(
    "the store runs without the plugin: its routes are gone (404), customers are served",
    gone.status === 404 && still.status === 200 && still.json?.count === 3,
    `${H.short(gone)} | ${H.short(still)}`
  )
  await stop()

  // installing it again later starts from scratch (the migration records went with the tables); ~30 s, opt-in
  if (process.env.UPGRADE_REINSTALL !== "1") return
  H.writeHostConfig(HOST, PLUGINS)
  await R.phase("reinstall: npm install ./vendor/<new>.tgz", () =>
    H.mustRun("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", `./vendor/${path.basename(next)}`], { cwd: HOST, quiet: true })
  )
  await migrate("reinstalled")
  const again = await pluginTables()
  const segs = again.includes("personalization_segment") ? await rows(`SELECT count(*)::int AS n FROM personalization_segment`) : [{ n: -1 }]
  R.check("reinstalling migrates from scratch: every table back, empty", again.join() === tablesBefore.join() && segs[0].n === 0, `tables ${again.length}, segments ${segs[0].n}`)
}

let failed = false
try {
  await main()
} catch (e) {
  failed = true
  R.log(`ERROR: ${e?.stack ?? e}`)
  if (server) console.log(H.tail(server.logFile, 40))
} finally {
  await R.phase("shutdown", cleanup)
}
process.exit(R.summary(failed) ? 0 : 1)
