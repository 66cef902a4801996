#!/usr/bin/env node
// The admin extensions in a real Chromium (playwright-core, no jsdom), every flow against ONE boot of the demo store
// (lib/harness.mjs: embedded Postgres, migrations, demo seed, production admin build, `medusa start`).
//
// Flows, in this order (they share the store; later ones reuse what earlier ones made):
//   admin      segment built visually, live preview = API, text mode, save, list, explain trace, gate a promotion
//   ap         placements (create, variant drawer with an allowed 400, preview) and analytics (charts, RFM, churn,
//              discover, experiments)
//   states     loading, empty and error states of lists (slow / empty / 500 responses via page.route, whitelisted)
//   keyboard   every page the plugin adds, driven with the keyboard only (tab order, visible focus, Enter, Esc)
// Any console error, page error, failed request or HTTP ≥ 400 fails the step it happens in (except the responses a
// flow provokes on purpose and whitelists by status + URL). Screenshots: integration-tests/browser/screenshots/.
//
// Usage: npm run test:browser
// Env: CHROMIUM (default: `which chromium`), CI_TMP (scratch parent), CI_PIDS_FILE (for .ci/run's cleanup),
//      BROWSER_FLOWS=admin,ap,states,keyboard (a subset, for debugging; some flows need earlier ones),
//      BROWSER_KEEP=1 (keep the scratch dir), BROWSER_ADMIN_DIR=<dir> (reuse / save an admin build),
//      BROWSER_HEADED=1 (show the browser), BROWSER_SERVE=1 / BROWSER_ORIGIN=<origin> (boot once, run flows on it).
import path from "node:path"
import { ADMIN, ROOT, SHOTS, adminToken, apiClient, bootStore, cleanup, elapsed, log, openBrowser, resetScreenshots, results, serverLogTail, step } from "./lib/harness.mjs"
import { adminFlow } from "./flows/admin.flow.mjs"
import { analyticsPlacementsFlow } from "./flows/analytics-placements.flow.mjs"
import { statesFlow } from "./flows/states.flow.mjs"
import { keyboardFlow } from "./flows/keyboard.flow.mjs"

const FLOWS = { admin: adminFlow, ap: analyticsPlacementsFlow, states: statesFlow, keyboard: keyboardFlow }
const chosen = (process.env.BROWSER_FLOWS || Object.keys(FLOWS).join(","))
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean)
for (const f of chosen) if (!FLOWS[f]) throw new Error(`unknown flow ${f} (known: ${Object.keys(FLOWS).join(", ")})`)

async function main() {
  resetScreenshots()
  // Local iteration: BROWSER_SERVE=1 boots the store and keeps it up; BROWSER_ORIGIN=<its origin> runs flows on it.
  const origin = process.env.BROWSER_ORIGIN || (await bootStore())
  if (process.env.BROWSER_SERVE === "1") {
    log(`serving ${origin} until interrupted`)
    await new Promise(() => {})
  }
  const token = await adminToken(origin)
  const api = apiClient(origin, token)
  const b = await openBrowser(origin)
  const { page } = b

  await step("log in as the seeded admin (Enter submits)", async () => {
    await page.goto(`${origin}/app/login`)
    await page.locator('input[name="email"]').fill(ADMIN.email)
    await page.locator('input[name="password"]').fill(ADMIN.password)
    b.setLoggedIn()
    await page.locator('input[name="password"]').press("Enter")
    await page.waitForURL((u) => !u.pathname.includes("/login"))
    b.noProblems("login")
  })

  const shared = {}
  for (const name of chosen) {
    log(`— flow ${name} (${elapsed()})`)
    await FLOWS[name]({ origin, api, token, b, shared })
  }
  if (b.stubbed.size) log(`third-party requests answered locally: ${[...b.stubbed].join(", ")}`)
}

let failed = false
try {
  await main()
} catch (e) {
  failed = true
  if (!results.some((r) => !r.ok)) log(`ERROR ${e?.stack ?? e}`)
  const tail = serverLogTail(30)
  if (tail) log(`server log tail:\n${tail}`)
} finally {
  await cleanup()
}
log(`${results.filter((r) => r.ok).length}/${results.length} steps passed in ${elapsed()}; screenshots in ${path.relative(ROOT, SHOTS)}/`)
log(failed ? "FAILED" : "OK")
process.exit(failed ? 1 : 0)
