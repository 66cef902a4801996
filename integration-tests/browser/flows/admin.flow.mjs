// The main flow: create a segment with the visual builder (live preview count = the preview API), switch to
// text mode and back, save, find it in the list with its member count, open a member customer and read the explain
// trace, gate a promotion to the segment from the promotion page.
import { SHOTS, expectEqual, step } from "../lib/harness.mjs"

export const SEGMENT = { name: "Browser loyal", handle: "browser-loyal" }
const PROMO_CODE = "BROWSER10"

export async function adminFlow({ origin, api, b, shared }) {
  const { page, shot, noProblems } = b
  const { promotion } = await api("POST", "/admin/promotions", {
    code: PROMO_CODE,
    type: "standard",
    status: "active",
    is_automatic: false,
    application_method: { type: "percentage", target_type: "order", value: 10, allocation: "across", currency_code: "eur" },
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

    const expected = await api("POST", "/admin/personalization/segments/preview", {
      rule_text: "orders_count >= 2 AND total_spent >= 50",
      purpose: "personalization",
    })
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="preview-count"]')?.textContent === String(n) &&
        !document.querySelector('[data-testid="preview-panel"]')?.textContent?.includes("updating"),
      expected.count
    )
    previewCount = Number(await page.getByTestId("preview-count").textContent())
    expectEqual(previewCount, expected.count, "live preview count vs POST /segments/preview")
    if (previewCount < 1) throw new Error("the demo store should have customers with 2+ orders and €50+ spent")
    await shot("02-segment-editor-visual")
    // The README's picture of the editor (docs/img/segment-editor.png is copied from this one by hand).
    await page.locator('form[aria-label="Create segment"]').screenshot({ path: `${SHOTS}/readme-segment-editor.png` })
    noProblems("editor")
  })

  await step("switch to text mode and back keeps the rule; a syntax error shows line:column and disables Save", async () => {
    await page.getByRole("tab", { name: "Text" }).click()
    const text = page.getByLabel("Rule text")
    expectEqual(await text.inputValue(), "orders_count >= 2 AND total_spent >= 50", "rule text")
    await shot("03-segment-editor-text")
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
  await step("save (Enter in Name); the segment is listed with its member count", async () => {
    await page.getByLabel("Name").press("Enter")
    await page.waitForURL((u) => /\/app\/segments\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith("/new"))
    segmentId = page.url().split("/").pop()
    await page.getByTestId("detail-member-count").waitFor()
    await page.waitForFunction((n) => document.querySelector('[data-testid="detail-member-count"]')?.textContent === String(n), previewCount)
    await page.locator('[data-testid="member-row"]').first().waitFor()
    await shot("05-segment-detail")
    const { segment } = await api("GET", `/admin/personalization/segments/${segmentId}`)
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
  shared.segmentId = segmentId
  shared.segmentName = SEGMENT.name

  await step("a member's customer page shows the widget with the explain trace (Esc closes the drawer)", async () => {
    await page.goto(`${origin}/app/segments/${segmentId}`)
    await page.locator('[data-testid="member-row"] a').first().click()
    await page.waitForURL(/\/app\/customers\/[^/]+$/)
    shared.memberCustomerId = page.url().split("/").pop()
    const widget = page.getByTestId("personalization-widget")
    const mine = widget.locator('[data-testid="customer-segment"]', { hasText: SEGMENT.name })
    await mine.waitFor()
    await mine.getByRole("button", { name: /^Explain/ }).click()
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
    const { rules } = await api("GET", `/admin/promotions/${promotion.id}/rules`)
    const { segment } = await api("GET", `/admin/personalization/segments/${segmentId}`)
    const groupRule = rules.find((r) => r.attribute === "customer.groups.id")
    const values = (groupRule?.values ?? []).map((v) => v.value)
    if (groupRule?.operator !== "in" || !values.includes(segment.customer_group_id)) {
      throw new Error(`promotion rule not gated on the segment's group: ${JSON.stringify(rules)}`)
    }
    noProblems("promotion widget")
  })
}
