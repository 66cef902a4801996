// Loading, empty and error states of the lists, provoked with page.route: a held response (loading), a 200 with no
// rows (empty), a 500 (error, whitelisted for that URL only while it is provoked, then "Try again" recovers).
import { expect, sleep, step } from "../lib/harness.mjs"

const isSegmentsList = (url) => url.pathname === "/admin/personalization/segments"
const isMembers = (url) => /^\/admin\/personalization\/segments\/[^/]+\/members$/.test(url.pathname)

export async function statesFlow({ origin, api, b, shared }) {
  const { page, shot, noProblems, allow, disallow } = b

  await step("segments list: loading state while the list request is pending", async () => {
    let release
    const held = new Promise((r) => (release = r))
    const hold = async (route) => {
      await held
      await route.continue().catch(() => {}) // already continued if the handler was removed meanwhile
    }
    await page.route(isSegmentsList, hold)
    try {
      await page.goto(`${origin}/app/segments`)
      await page.getByRole("status").filter({ hasText: "Loading segments…" }).waitFor()
      await shot("states-01-segments-loading")
    } finally {
      release()
    }
    await page.locator('[data-testid="segment-row"]').first().waitFor()
    await page.unroute(isSegmentsList, hold)
    noProblems("loading state")
  })

  await step("segments list: empty states (no segments at all; nothing matches the search)", async () => {
    const empty = (route) => route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ segments: [], count: 0, offset: 0, limit: 20 }) })
    await page.route(isSegmentsList, empty)
    try {
      await page.goto(`${origin}/app/segments`)
      await page.getByText("No segments yet").waitFor()
      await page.getByRole("button", { name: "Create segment" }).waitFor()
      await shot("states-02-segments-empty")
    } finally {
      await page.unroute(isSegmentsList, empty)
    }
    await page.goto(`${origin}/app/segments`)
    await page.locator('[data-testid="segment-row"]').first().waitFor()
    await page.getByLabel("Search segments").fill("no-such-segment-anywhere")
    await page.getByText("No segments match").waitFor()
    expect((await page.locator('[data-testid="segment-row"]').count()) === 0, "no rows while nothing matches")
    noProblems("empty states")
  })

  await step("segments list: a 500 shows the error state; Try again recovers (the 500 is whitelisted, nothing else)", async () => {
    const fail = (route) =>
      route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ type: "unknown_error", message: "Injected by the browser test" }) })
    await page.route(isSegmentsList, fail)
    const allowed = allow(500, /\/admin\/personalization\/segments(\?|$)/)
    try {
      await page.goto(`${origin}/app/segments`)
      const alert = page.getByRole("alert").filter({ hasText: "Could not load this list" })
      await alert.waitFor()
      expect((await alert.textContent()).includes("Injected by the browser test"), "the error state shows the server's message")
      await shot("states-03-segments-error")
      await page.unroute(isSegmentsList, fail)
      await alert.getByRole("button", { name: "Try again" }).click()
      await page.locator('[data-testid="segment-row"]').first().waitFor()
    } finally {
      await page.unroute(isSegmentsList, fail).catch(() => {})
      await sleep(200)
      expect(disallow(allowed) >= 1, "the provoked 500 was seen")
    }
    noProblems("error state")
  })

  await step("segment members table: error state on a 500, then its empty state for a draft segment", async () => {
    const { segments } = await api("GET", "/admin/personalization/segments?limit=1&status=active")
    const fail = (route) => route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ message: "members down" }) })
    await page.route(isMembers, fail)
    const allowed = allow(500, /\/admin\/personalization\/segments\/[^/]+\/members/)
    try {
      await page.goto(`${origin}/app/segments/${segments[0].id}`)
      await page.getByRole("alert").filter({ hasText: "members down" }).waitFor()
      await shot("states-04-members-error")
    } finally {
      await page.unroute(isMembers, fail)
      await sleep(200)
      expect(disallow(allowed) >= 1, "the provoked 500 was seen")
    }
    const { segment } = await api("POST", "/admin/personalization/segments", {
      name: "Browser empty draft",
      handle: "browser-empty-draft",
      rule_text: "orders_count >= 1",
      status: "draft",
      purpose: "personalization",
    })
    shared.draftSegmentId = segment.id
    await page.goto(`${origin}/app/segments/${segment.id}`)
    await page.getByText("Only active segments have members.").waitFor()
    noProblems("members states")
  })
}
