// The browser tests' shared harness: boots the demo store ONCE through the shared store harness
// (integration-tests/lib/store-harness.mjs: embedded Postgres, `medusa db:migrate`, demo seed, here with a production
// admin build, `medusa start` with NODE_ENV=production in a scratch host directory), opens one Chromium
// (playwright-core, the system binary), and gives every flow the same page, API client, step runner and problem guard.
//
// The guard fails a step on any console error, page error, failed request or HTTP ≥ 400. A flow that provokes a
// failure on purpose says so first with `allow({ status, url })` (and `disallow` after): only responses matching
// that status and URL (and the console line Chromium logs for them) are forgiven; everything else still fails.
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { createRequire } from "node:module"
import {
  ADMIN,
  ROOT,
  adminToken,
  bootStore as bootDemoStore,
  cleanup as cleanupStore,
  expect,
  expectEqual,
  onCleanup,
  serverLogTail,
  sleep,
} from "../../lib/store-harness.mjs"

export { ADMIN, ROOT, adminToken, sleep }
const require = createRequire(path.join(ROOT, "package.json"))
const { chromium } = require("playwright-core")
export const SHOTS = path.join(ROOT, "integration-tests/browser/screenshots")

export const log = (m) => console.log(`[browser] ${m}`)
const started = Date.now()
export const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`

export { expect, expectEqual }
export const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")

// ---- processes: the shared store harness (integration-tests/lib/store-harness.mjs) ---------------------------------

const state = { browser: null }
onCleanup(async () => {
  if (state.browser) await state.browser.close().catch(() => {})
})
export const cleanup = () => cleanupStore({ keepLabel: "browser" })
export { serverLogTail }

/** Boots the demo store once (with a production admin build); resolves to its origin. */
export async function bootStore() {
  const { origin } = await bootDemoStore({ admin: true, seedArgs: ["customers=80", "products=12"], label: "browser", log })
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
