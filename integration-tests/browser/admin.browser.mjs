#!/usr/bin/env node
// Browser test of the admin extensions in a real Chromium (playwright-core, no jsdom).
//
// Boots the demo store the way a merchant runs it in production: embedded Postgres, `medusa db:migrate`, the demo
// seed, a production admin build (`medusa build --admin-only`) and `medusa start` (NODE_ENV=production) of the
// source-mode app, in a scratch host directory (symlinks to ./src and ./node_modules, so the repo's own .medusa/
// is left alone). Then, as the seeded admin: create a segment with the visual builder, check the live preview
// count against the preview API, switch to text mode and back, save, find it in the list with its member count,
// open a member customer and read the widget's explain trace, open a promotion and gate it to the segment.
// Screenshots go to integration-tests/browser/screenshots/ (git-ignored). Any console error or failed request fails
// the test.
//
// Usage: npm run test:browser
// Env: CHROMIUM (default: `which chromium`), CI_TMP (scratch parent), CI_PIDS_FILE (for .ci/run's cleanup),
//      BROWSER_KEEP=1 (keep the scratch dir), BROWSER_ADMIN_DIR=<dir> (reuse an admin build: skips the vite build),
//      BROWSER_HEADED=1 (show the browser).
import { execFileSync, spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { createRequire } from "node:module"

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")
const require = createRequire(path.join(ROOT, "package.json"))
const { chromium } = require("playwright-core")
const SHOTS = path.join(ROOT, "integration-tests/browser/screenshots")
const ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }
const SEGMENT = { name: "Browser loyal", handle: "browser-loyal" }
const PROMO_CODE = "BROWSER10"

// One process, no Redis: the in-memory event bus, workflow engine and locks (the Redis paths have their own CI leg).
delete process.env.REDIS_URL

const parent = process.env.CI_TMP || os.tmpdir()
fs.mkdirSync(parent, { recursive: true })
const WORK = fs.mkdtempSync(path.join(parent, "mp-browser-"))
fs.chmodSync(WORK, 0o755) // the embedded Postgres may run as another user

const log = (m) => console.log(`[browser] ${m}`)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const started = Date.now()
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`

let pg = null
let server = null
let browser = null
let cleaning = null

// ---- processes ---------------------------------------------------------------------------------------------------

function run(args, { cwd, env, quiet = true } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules/.bin/medusa"), args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    const onData = (d) => {
      out += d
      if (!quiet) process.stdout.write(String(d).replace(/^(?=.)/gm, "    "))
    }
    child.stdout.on("data", onData)
    child.stderr.on("data", onData)
    child.on("error", reject)
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`medusa ${args.join(" ")} exited ${code}\n${out.split("\n").slice(-40).join("\n")}`))))
  })
}

function startServer(cwd, port, env) {
  const logFile = path.join(WORK, "medusa-start.log")
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

function cleanup() {
  cleaning ??= (async () => {
    if (browser) await browser.close().catch(() => {})
    await stopServer(server)
    if (pg) await pg.stop().catch(() => {})
    if (process.env.BROWSER_KEEP === "1") log(`kept ${WORK}`)
    else fs.rmSync(WORK, { recursive: true, force: true })
  })()
  return cleaning
}
for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, async () => {
    await cleanup()
    process.exit(130)
  })
}

// ---- the store -----------------------------------------------------------------------------------------------------

async function bootStore() {
  const { startEmbeddedPostgres, ensureDatabase, freePort } = await import(path.join(ROOT, "scripts/lib/embedded-pg.mjs"))
  pg = await startEmbeddedPostgres({ dir: path.join(WORK, "pg"), persistent: false })
  const database = "medusa-browser"
  await ensureDatabase({ port: pg.port, user: pg.user, password: pg.password, database })
  log(`Postgres on ${pg.port} (${elapsed()})`)

  // A scratch host: the repo's source-mode app (medusa-config.ts loads ./src), without touching the repo's .medusa/.
  const host = path.join(WORK, "host")
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
  await run(["db:migrate"], { cwd: host, env })
  log(`migrated (${elapsed()})`)
  const seeded = await run(["exec", "./src/scripts/seed-demo.ts", "customers=80", "products=12"], { cwd: host, env })
  const summary = seeded.split("\n").find((l) => l.includes("[demo-seed] {"))
  log(`seeded (${elapsed()}) ${summary ? summary.replace(/.*\[demo-seed\] /, "") : ""}`)

  const adminOut = path.join(host, "public/admin")
  fs.mkdirSync(path.dirname(adminOut), { recursive: true })
  if (process.env.BROWSER_ADMIN_DIR && fs.existsSync(path.join(process.env.BROWSER_ADMIN_DIR, "index.html"))) {
    fs.cpSync(process.env.BROWSER_ADMIN_DIR, adminOut, { recursive: true })
    log(`reusing the admin build in ${process.env.BROWSER_ADMIN_DIR}`)
  } else {
    // The production dashboard with the plugin's extensions from src/admin (vite build).
    await run(["build", "--admin-only"], { cwd: host, env })
    fs.cpSync(path.join(host, ".medusa/admin"), adminOut, { recursive: true })
    log(`admin built (${elapsed()})`)
    if (process.env.BROWSER_ADMIN_DIR) fs.cpSync(adminOut, process.env.BROWSER_ADMIN_DIR, { recursive: true })
  }

  server = startServer(host, port, env)
  const deadline = Date.now() + 240_000
  while (Date.now() < deadline) {
    if (server.exited) break
    try {
      if ((await fetch(`${origin}/health`)).ok) break
    } catch {}
    await sleep(500)
  }
  if (server.exited || !(await fetch(`${origin}/health`).then((r) => r.ok).catch(() => false))) {
    throw new Error(`medusa start did not come up:\n${fs.readFileSync(server.logFile, "utf8").split("\n").slice(-40).join("\n")}`)
  }
  log(`medusa start on ${origin} (${elapsed()})`)
  return origin
}

// ---- HTTP helpers (the API the test compares the UI with) --------------------------------------------------------

async function api(origin, token, method, url, body) {
  const res = await fetch(origin + url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  const json = await res.json().catch(() => null)
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(json)}`)
  return json
}

// ---- assertions ---------------------------------------------------------------------------------------------------

const results = []
async function step(name, fn) {
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
function expectEqual(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`)
}

// ---- the test -----------------------------------------------------------------------------------------------------

async function main() {
  fs.rmSync(SHOTS, { recursive: true, force: true })
  fs.mkdirSync(SHOTS, { recursive: true })
  const executablePath = process.env.CHROMIUM || execFileSync("which", ["chromium"], { encoding: "utf8" }).trim()
  const origin = await bootStore()

  const { token } = await (await fetch(`${origin}/auth/user/emailpass`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  })).json()
  if (!token) throw new Error("the seeded admin cannot log in over the API")
  const { promotion } = await api(origin, token, "POST", "/admin/promotions", {
    code: PROMO_CODE,
    type: "standard",
    status: "active",
    is_automatic: false,
    application_method: { type: "percentage", target_type: "order", value: 10, allocation: "across", currency_code: "eur" },
  })

  browser = await chromium.launch({
    executablePath,
    headless: process.env.BROWSER_HEADED !== "1",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"].filter(
      (a) => a !== "--headless" || process.env.BROWSER_HEADED !== "1"
    ),
  })
  // Production cookies are Secure; Medusa trusts X-Forwarded-Proto (session proxy: true), as behind a TLS proxy.
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1000 },
    extraHTTPHeaders: { "x-forwarded-proto": "https" },
  })
  // Hermetic: the dashboard loads a few third-party assets (country flags from cdn.jsdelivr.net). They are answered
  // locally with an empty image, so the test needs no internet; every request to the store itself is real.
  const stubbed = new Set()
  await context.route((url) => url.origin !== origin, (route) => {
    stubbed.add(new URL(route.request().url()).host)
    return route.fulfill({ status: 200, contentType: "image/svg+xml", body: '<svg xmlns="http://www.w3.org/2000/svg"/>' })
  })
  const page = await context.newPage()
  page.setDefaultTimeout(30_000)

  const problems = []
  let loggedIn = false
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()} (${msg.location()?.url ?? ""})`)
  })
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`))
  page.on("requestfailed", (req) => {
    const failure = req.failure()?.errorText ?? ""
    // A navigation cancels the previous page's in-flight fetches; that is not a failed request.
    if (failure === "net::ERR_ABORTED") return
    problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`)
  })
  page.on("response", (res) => {
    const url = res.url()
    if (res.status() < 400) return
    // Before logging in the dashboard asks who is logged in and is told "nobody" (401): expected.
    if (!loggedIn && res.status() === 401) return
    problems.push(`HTTP ${res.status()}: ${res.request().method()} ${url}`)
  })
  const shot = (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true })
  const noProblems = (where) => {
    if (problems.length) throw new Error(`${where}: ${problems.length} console error(s) / failed request(s):\n  ${problems.join("\n  ")}`)
  }

  await step("log in as the seeded admin (keyboard: Enter submits)", async () => {
    await page.goto(`${origin}/app/login`)
    await page.locator('input[name="email"]').fill(ADMIN.email)
    await page.locator('input[name="password"]').fill(ADMIN.password)
    loggedIn = true
    await page.locator('input[name="password"]').press("Enter")
    await page.waitForURL((u) => !u.pathname.includes("/login"))
    noProblems("login")
  })

  await step("Segments page is in the sidebar under Customers and lists the demo segments", async () => {
    await page.goto(`${origin}/app/customers`)
    await page.getByRole("link", { name: "Segments" }).first().click()
    await page.waitForURL(/\/app\/segments$/)
    await page.getByRole("heading", { name: "Segments" }).waitFor()
    await page.locator('[data-testid="segment-row"]').first().waitFor()
    await shot("01-segments-list")
    noProblems("segments list")
  })

  let previewCount = -1
  await step("create a segment with the visual builder; the live preview count equals the preview API", async () => {
    await page.getByRole("link", { name: "Create segment" }).first().click()
    await page.waitForURL(/\/app\/segments\/new$/)
    await page.getByLabel("Name").fill(SEGMENT.name)
    expectEqual(await page.getByLabel("Handle").inputValue(), SEGMENT.handle, "handle derived from the name")
    // Row 1: the default "Orders at least …" condition → 2.
    const rows = page.locator('[data-testid="condition"]')
    await rows.nth(0).getByLabel("Value").fill("2")
    // Row 2: Total spent at least 50.
    await page.getByRole("button", { name: "Add condition" }).first().click()
    await rows.nth(1).getByRole("combobox", { name: "Condition field" }).click()
    await page.getByRole("option", { name: "Total spent" }).click()
    await rows.nth(1).getByRole("combobox", { name: "Operator" }).click()
    await page.getByRole("option", { name: "at least" }).click()
    await rows.nth(1).getByLabel("Value").fill("50")
    // Active, so it gets members when saved.
    await page.getByRole("combobox", { name: "Status" }).click()
    await page.getByRole("option", { name: /^Active/ }).click()

    const api_ = await api(origin, token, "POST", "/admin/personalization/segments/preview", {
      rule_text: "orders_count >= 2 AND total_spent >= 50",
      purpose: "personalization",
    })
    const count = page.getByTestId("preview-count")
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="preview-count"]')?.textContent === String(n) &&
        !document.querySelector('[data-testid="preview-panel"]')?.textContent?.includes("updating"),
      api_.count
    )
    previewCount = Number(await count.textContent())
    expectEqual(previewCount, api_.count, "live preview count vs POST /segments/preview")
    if (previewCount < 1) throw new Error("the demo store should have customers with 2+ orders and €50+ spent")
    await shot("02-segment-editor-visual")
    noProblems("editor")
  })

  await step("switch to text mode and back keeps the rule", async () => {
    await page.getByRole("tab", { name: "Text" }).click()
    const text = page.getByLabel("Rule text")
    expectEqual(await text.inputValue(), "orders_count >= 2 AND total_spent >= 50", "rule text")
    await shot("03-segment-editor-text")
    // A syntax error is reported at line:column and blocks saving.
    await text.fill("orders_count >= 2 AND\ntotal_spent >=")
    await page.getByTestId("syntax-error").waitFor()
    const message = await page.getByTestId("syntax-error").textContent()
    if (!/Line 2, column \d+/.test(message ?? "")) throw new Error(`syntax error without line:column: ${message}`)
    if (!(await page.getByRole("button", { name: "Save" }).isDisabled())) throw new Error("Save must be disabled while the rule is invalid")
    await shot("04-segment-editor-syntax-error")
    await text.fill("orders_count >= 2 AND total_spent >= 50")
    await page.getByRole("tab", { name: "Visual builder" }).click()
    const rows = page.locator('[data-testid="condition"]')
    expectEqual(await rows.count(), 2, "conditions after switching back")
    expectEqual(await rows.nth(0).getByLabel("Value").inputValue(), "2", "first value")
    expectEqual(await rows.nth(1).getByLabel("Value").inputValue(), "50", "second value")
    await page.waitForFunction((n) => document.querySelector('[data-testid="preview-count"]')?.textContent === String(n), previewCount)
    noProblems("mode switch")
  })

  let segmentId = ""
  await step("save; the segment is listed with its member count", async () => {
    await page.getByLabel("Name").press("Enter") // Enter submits the form
    await page.waitForURL((u) => /\/app\/segments\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith("/new"))
    segmentId = page.url().split("/").pop()
    await page.getByTestId("detail-member-count").waitFor()
    await page.waitForFunction((n) => document.querySelector('[data-testid="detail-member-count"]')?.textContent === String(n), previewCount)
    await page.locator('[data-testid="member-row"]').first().waitFor()
    await shot("05-segment-detail")
    const { segment } = await api(origin, token, "GET", `/admin/personalization/segments/${segmentId}`)
    expectEqual([segment.handle, segment.status, segment.member_count], [SEGMENT.handle, "active", previewCount], "saved segment")

    await page.goto(`${origin}/app/segments`)
    await page.getByLabel("Search segments").fill("browser")
    const row = page.locator(`[data-testid="segment-row"][data-handle="${SEGMENT.handle}"]`)
    await row.waitFor()
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="segment-row"]').length === 1)
    expectEqual(await row.getByTestId("segment-members").textContent(), String(previewCount), "member count in the list")
    await shot("06-segments-list-with-new")
    noProblems("save + list")
  })

  await step("a member's customer page shows the widget with the explain trace (Esc closes the drawer)", async () => {
    await page.goto(`${origin}/app/segments/${segmentId}`)
    await page.locator('[data-testid="member-row"] a').first().click()
    await page.waitForURL(/\/app\/customers\/[^/]+$/)
    const widget = page.getByTestId("personalization-widget")
    const mine = widget.locator('[data-testid="customer-segment"]', { hasText: SEGMENT.name })
    await mine.waitFor()
    await mine.getByRole("button", { name: "Explain" }).click()
    const drawer = page.getByTestId("explain-drawer")
    await drawer.getByTestId("trace-condition").first().waitFor()
    const conditions = await drawer.getByTestId("trace-condition").allTextContents()
    if (conditions.length !== 2 || !conditions.every((c) => c.includes("pass"))) {
      throw new Error(`expected two passing conditions in the trace, got ${JSON.stringify(conditions)}`)
    }
    if (!conditions[0].includes("orders_count >= 2")) throw new Error(`trace lacks the condition text: ${conditions[0]}`)
    await shot("07-customer-explain-trace")
    await page.keyboard.press("Escape")
    await drawer.waitFor({ state: "detached" })
    await widget.getByTestId("customer-consent").waitFor()
    await shot("08-customer-widget")
    noProblems("customer widget")
  })

  await step("a promotion is gated to the segment from the promotion page", async () => {
    await page.goto(`${origin}/app/promotions/${promotion.id}`)
    const widget = page.getByTestId("promotion-segment-widget")
    await widget.getByText("Not gated to a segment").waitFor()
    await widget.getByRole("combobox").click()
    await page.getByRole("option", { name: new RegExp(`^${SEGMENT.name}`) }).click()
    await widget.getByRole("button", { name: "Gate" }).click()
    await widget.locator('[data-testid="gating-segment"]', { hasText: SEGMENT.name }).waitFor()
    await shot("09-promotion-gated")
    const { rules } = await api(origin, token, "GET", `/admin/promotions/${promotion.id}/rules`)
    const { segment } = await api(origin, token, "GET", `/admin/personalization/segments/${segmentId}`)
    const groupRule = rules.find((r) => r.attribute === "customer.groups.id")
    const values = (groupRule?.values ?? []).map((v) => v.value)
    if (groupRule?.operator !== "in" || !values.includes(segment.customer_group_id)) {
      throw new Error(`promotion rule not gated on the segment's group: ${JSON.stringify(rules)}`)
    }
    noProblems("promotion widget")
  })
  if (stubbed.size) log(`third-party requests answered locally: ${[...stubbed].join(", ")}`)
}

let failed = false
try {
  await main()
} catch (e) {
  failed = true
  if (!results.some((r) => !r.ok)) log(`ERROR ${e?.stack ?? e}`)
  if (server?.logFile) log(`server log tail:\n${fs.readFileSync(server.logFile, "utf8").split("\n").slice(-30).join("\n")}`)
} finally {
  await cleanup()
}
log(`${results.filter((r) => r.ok).length}/${results.length} steps passed in ${elapsed()}; screenshots in ${path.relative(ROOT, SHOTS)}/`)
log(failed ? "FAILED" : "OK")
process.exit(failed ? 1 : 0)
