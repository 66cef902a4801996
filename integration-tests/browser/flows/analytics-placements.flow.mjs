// Placements and Analytics in the browser: open Placements from the sidebar, create a placement (Enter submits), add a
// default variant in the drawer, see a bad image URL rejected inline with the field named (the server's 400, allowed
// explicitly for that request only), close the drawer with Esc, preview the placement for a customer; open Analytics
// from the sidebar: segment comparison with charts, alerts, RFM, churn, Discover clusters, start an experiment on the
// variant and see its results card.
import { escapeRe, expect, step } from "../lib/harness.mjs"

const HANDLE = "browser.hero"

export async function analyticsPlacementsFlow({ origin, api, b, shared }) {
  const { page, noProblems, allow, disallow } = b
  const shot = (name) => b.shot(`ap-${name}`)
  const { customers } = await api("GET", "/admin/customers?limit=1&has_account=true&fields=id,email")
  const customer = customers[0]
  let allowed400 = null

  await page.goto(`${origin}/app`)
  let placementId = ""
  await step("Placements is in the sidebar; create a placement (Enter submits) and land on it", async () => {
    await page.getByRole("link", { name: "Placements" }).first().click()
    await page.waitForURL(/\/app\/placements$/)
    await page.getByRole("heading", { name: "Placements" }).waitFor()
    await shot("01-placements-list")
    await page.getByRole("button", { name: "Create placement" }).first().click()
    await page.getByLabel("Handle", { exact: true }).fill(HANDLE)
    await page.getByLabel("Handle", { exact: true }).press("Enter")
    await page.waitForURL(/\/app\/placements\/[^/]+$/)
    placementId = page.url().split("/").pop()
    await page.getByRole("heading", { name: HANDLE }).waitFor()
    noProblems("create placement")
  })

  await step("add a default variant in the drawer; a bad image URL shows the server's 400 inline; Esc closes", async () => {
    await page.getByRole("button", { name: "Add variant" }).first().click()
    await page.getByLabel("Name", { exact: true }).fill("Everyone")
    await page.getByLabel("Title", { exact: true }).fill("Hello from the browser")
    await page.getByLabel("Image URL (http/https)", { exact: true }).fill("javascript:alert(1)")
    allowed400 = allow(400, /\/admin\/personalization\/placements\/[^/]+\/variants/)
    await page.getByRole("button", { name: "Add variant" }).last().click()
    const err = page.getByTestId("variant-error")
    await err.waitFor()
    const text = await err.textContent()
    expect(/image_url/.test(text ?? ""), `the inline error names image_url: ${text}`)
    await shot("02-variant-400-inline")
    await page.getByLabel("Image URL (http/https)", { exact: true }).fill("")
    await page.getByLabel("Name", { exact: true }).press("Enter") // Enter submits the drawer form
    await page.getByTestId("variant-form").waitFor({ state: "detached" })
    await page.getByTestId("variant-row").first().waitFor()
    expect(disallow(allowed400) === 1, "exactly one 400 (the bad image URL) was forgiven")
    // Esc closes a drawer
    await page.getByRole("button", { name: "Add variant" }).first().click()
    await page.getByTestId("variant-form").waitFor()
    await page.keyboard.press("Escape")
    await page.getByTestId("variant-form").waitFor({ state: "detached" })
    const { placement } = await api("GET", `/admin/personalization/placements/${placementId}`)
    expect(placement.variants.length === 1 && placement.variants[0].name === "Everyone", "one variant saved through the UI")
    noProblems("variants")
  })

  await step("preview the placement for a customer", async () => {
    await page.getByLabel("Search customers to preview", { exact: true }).fill(customer.email)
    await page.getByRole("button", { name: new RegExp(escapeRe(customer.email)) }).first().click()
    await page.getByTestId("preview-variant").waitFor()
    const shown = await page.getByTestId("preview-variant").textContent()
    const { preview } = await api("GET", `/admin/personalization/placements/${placementId}/preview?customer_id=${customer.id}`)
    expect(shown === preview.variant?.name, `preview shows ${shown}, API says ${preview.variant?.name}`)
    await shot("03-placement-detail-preview")
    noProblems("preview")
  })

  await step("Analytics is in the sidebar; segment comparison with charts and alerts", async () => {
    await page.getByRole("link", { name: "Analytics" }).first().click()
    await page.waitForURL(/\/app\/analytics/)
    await page.getByRole("heading", { name: "Personalization analytics" }).waitFor()
    await page.getByTestId("alerts-card").waitFor()
    await page.getByTestId("segment-comparison").waitFor()
    await page.waitForFunction(() => !document.querySelector('[data-testid="segment-comparison"]')?.textContent?.includes("Loading analytics"))
    const rows = await page.getByTestId("analytics-row").count()
    const api_ = await api("GET", "/admin/personalization/analytics/segments")
    expect(rows === api_.segments.length, `comparison rows ${rows} vs API ${api_.segments.length}`)
    if (rows > 0) expect((await page.locator('[data-testid="segment-comparison"] .recharts-surface').count()) >= 3, "three charts drawn")
    await shot("04-analytics-segments")
    noProblems("analytics segments")
  })

  await step("RFM, churn and Discover", async () => {
    await page.getByRole("tab", { name: /RFM/ }).click()
    await page.getByTestId("rfm-card").waitFor()
    await page.getByTestId("churn-card").waitFor()
    await page.getByRole("button", { name: "Train now" }).click()
    await page.waitForFunction(() => !!document.querySelector('[data-testid="churn-status"]'), undefined, { timeout: 120_000 })
    await page.getByRole("button", { name: "Discover", exact: true }).click()
    await page.waitForFunction(
      () => !!document.querySelector('[data-testid="cluster-row"]') || document.querySelector('[data-testid="discover-card"]')?.textContent?.includes("No clusters"),
      undefined,
      { timeout: 120_000 }
    )
    await shot("05-analytics-rfm-churn-discover")
    noProblems("rfm/churn/discover")
  })

  await step("start an experiment on the variant; its results card shows a verdict; stop it", async () => {
    await page.getByRole("tab", { name: "Experiments" }).click()
    await page.getByRole("button", { name: "Start experiment" }).click()
    await page.getByLabel("Name", { exact: true }).fill("Browser hero test")
    await page.getByRole("combobox", { name: "Target", exact: true }).click()
    await page.getByRole("option", { name: new RegExp(`${HANDLE.replace(".", "\\.")} · Everyone`) }).click()
    await page.getByRole("button", { name: "Start", exact: true }).click()
    await page.getByTestId("experiment-form").waitFor({ state: "detached" })
    await page.getByTestId("experiment-verdict").first().waitFor()
    await shot("06-analytics-experiments")
    await page.getByRole("button", { name: "Stop", exact: true }).first().click()
    await page.getByRole("button", { name: "Stop", exact: true }).last().click() // the prompt's confirm
    await page.waitForFunction(() => document.querySelector('[data-testid="experiment-card"]')?.textContent?.includes("stopped"))
    noProblems("experiments")
  })
  shared.placementId = placementId
  shared.placementHandle = HANDLE
}
