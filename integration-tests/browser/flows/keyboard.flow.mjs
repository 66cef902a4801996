// Keyboard-only pass over every page and widget the plugin adds: Tab / Shift+Tab / Enter / Space / Escape / arrow
// keys, no mouse. Each page: the controls are reached by Tab in a sensible order with a visible focus indicator;
// forms submit with Enter (and the API confirms what was written); Esc closes drawers and modals and gives focus back
// to the control that opened them. Navigation between pages uses page.goto (an address typed in the browser) or
// Enter on a focused link.
import { escapeRe, expect, expectEqual, step } from "../lib/harness.mjs"
import { chooseOption, describeFocus, expectFocused, expectFocusVisible, expectTabOrder, isFocused, tabTo } from "../lib/keyboard.mjs"

// A suffix keeps names unique when the flow runs again on the same store (BROWSER_ORIGIN).
const RUN = process.env.BROWSER_ORIGIN ? `-${Date.now().toString(36)}` : ""
const SEG = { name: `Keyboard made${RUN.replace("-", " ")}`, handle: `keyboard-made${RUN}` }
const PLACEMENT = `kbd.banner${RUN}`

/** Esc closes the open dialog and focus lands back on `opener`. */
async function escCloses(page, opener, what) {
  const dialog = page.getByRole("dialog")
  await dialog.waitFor()
  expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `${what}: focus moves into the dialog when it opens (focus on ${await describeFocus(page)})`)
  await page.keyboard.press("Escape")
  await dialog.waitFor({ state: "detached" })
  await expectFocused(page, opener, `${what}: after Esc`)
}

export async function keyboardFlow({ origin, api, b, shared }) {
  const { page, shot, noProblems } = b
  const kshot = (n) => shot(`kbd-${n}`)

  // ---- segments list + import/export drawer ----------------------------------------------------------------------
  await step("keyboard: segments list tab order; the import drawer opens with Enter, previews a document, Esc returns focus", async () => {
    await page.goto(`${origin}/app/segments`)
    await page.locator('[data-testid="segment-row"]').first().waitFor()
    const firstRowLink = page.locator('[data-testid="segment-row"]').first().getByRole("link")
    await expectTabOrder(page, [
      ["Export", page.getByRole("button", { name: "Export" })],
      ["Import", page.getByRole("button", { name: "Import" })],
      ["Create segment", page.getByRole("link", { name: "Create segment" })],
      ["Search segments", page.getByRole("searchbox", { name: "Search segments" })],
      ["Filter by status", page.getByRole("combobox", { name: "Filter by status" })],
      ["first segment", firstRowLink],
    ])
    await kshot("01-segments-list-focus")

    const importBtn = page.getByRole("button", { name: "Import" })
    await tabTo(page, importBtn, "Import", { back: true })
    await page.keyboard.press("Enter")
    const doc = await api("GET", "/admin/personalization/segments/export")
    const textarea = page.getByRole("textbox", { name: "Document (JSON)" })
    await tabTo(page, textarea, "import document")
    await page.keyboard.insertText(JSON.stringify(doc))
    await tabTo(page, page.getByRole("button", { name: "Preview changes" }), "Preview changes")
    await expectFocusVisible(page, "Preview changes")
    await page.keyboard.press("Enter")
    const plan = page.getByTestId("import-plan")
    await plan.waitFor()
    expect((await plan.textContent()).includes("unchanged"), "a re-import of the export changes nothing")
    await kshot("02-import-drawer")
    await escCloses(page, importBtn, "import drawer")
    noProblems("segments list (keyboard)")
  })

  // ---- segment editor: new --------------------------------------------------------------------------------------
  let segmentId = ""
  await step("keyboard: create a segment — builder rows, NOT, text mode and back, Enter on Save (the API confirms)", async () => {
    const create = page.getByRole("link", { name: "Create segment" })
    await tabTo(page, create, "Create segment", { back: true })
    await page.keyboard.press("Enter")
    await page.waitForURL(/\/app\/segments\/new$/)
    const rows = page.locator('[data-testid="condition"]')
    await rows.first().waitFor()
    await expectTabOrder(page, [
      ["Name", page.getByRole("textbox", { name: "Name" })],
      ["Handle", page.getByRole("textbox", { name: "Handle" })],
      ["Description", page.getByRole("textbox", { name: "Description (optional)" })],
      ["Consent purpose", page.getByRole("combobox", { name: "Consent purpose" })],
      ["Status", page.getByRole("combobox", { name: "Status" })],
      ["Visual builder tab", page.getByRole("tab", { name: "Visual builder" })],
      ["Group operator", page.getByRole("combobox", { name: "Group operator" })],
      ["NOT", page.getByRole("button", { name: "Negate (NOT)" })],
      ["Condition field", rows.first().getByRole("combobox", { name: "Condition field" })],
      ["Operator", rows.first().getByRole("combobox", { name: "Operator" })],
      ["Value", rows.first().getByRole("textbox", { name: "Value" })],
      ["Remove condition", page.getByRole("button", { name: "Remove condition" })],
      ["Add condition", page.getByRole("button", { name: "Add condition" })],
      ["Add group", page.getByRole("button", { name: "Add group" })],
      ["Cancel", page.getByRole("button", { name: "Cancel" })],
    ])
    expect(await page.getByRole("button", { name: "Save" }).isDisabled(), "Save is disabled while the name is empty")

    // Fill the form from the keyboard.
    await tabTo(page, page.getByRole("textbox", { name: "Name" }), "Name", { back: true })
    await page.keyboard.type(SEG.name)
    await page.keyboard.press("Tab")
    await expectFocused(page, page.getByRole("textbox", { name: "Handle" }), "Tab from Name")
    expectEqual(await page.getByRole("textbox", { name: "Handle" }).inputValue(), SEG.handle, "handle derived from the name")
    await tabTo(page, page.getByRole("combobox", { name: "Status" }), "Status")
    await chooseOption(page, /^Active/, "Status")
    await expectFocused(page, page.getByRole("combobox", { name: "Status" }), "focus back on Status after choosing")
    expect((await page.getByRole("combobox", { name: "Status" }).textContent()).includes("Active"), "status Active chosen")

    await tabTo(page, rows.first().getByRole("textbox", { name: "Value" }), "first Value")
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.type("3")
    await tabTo(page, page.getByRole("button", { name: "Add condition" }), "Add condition")
    await page.keyboard.press("Enter")
    await rows.nth(1).waitFor()
    await tabTo(page, rows.nth(1).getByRole("combobox", { name: "Condition field" }), "second row's field", { back: true })
    await chooseOption(page, "Total spent", "Condition field")
    await page.keyboard.press("Tab")
    await expectFocused(page, rows.nth(1).getByRole("combobox", { name: "Operator" }), "Tab from the field to its operator")
    await chooseOption(page, "at least", "Operator")
    await page.keyboard.press("Tab")
    await expectFocused(page, rows.nth(1).getByRole("textbox", { name: "Value" }), "Tab from the operator to its value")
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.type("50")

    // NOT toggles with Space (aria-pressed), and back.
    const not2 = page.locator('[data-testid="rule-row"]').nth(1).getByRole("button", { name: /Negate \(NOT\)|Remove NOT/ })
    await tabTo(page, not2, "second row's NOT", { back: true })
    await page.keyboard.press("Space")
    expectEqual(await not2.getAttribute("aria-pressed"), "true", "NOT pressed after Space")
    await expectFocused(page, not2, "focus stays on NOT")
    await page.keyboard.press("Space")
    expectEqual(await not2.getAttribute("aria-pressed"), "false", "NOT released after a second Space")

    // Text mode with the arrow keys on the tab list, an error and its fix, and back.
    const visualTab = page.getByRole("tab", { name: "Visual builder" })
    await tabTo(page, visualTab, "Visual builder tab", { back: true })
    await page.keyboard.press("ArrowRight")
    const text = page.getByRole("textbox", { name: "Rule text" })
    await text.waitFor()
    expectEqual(await text.inputValue(), "orders_count >= 3 AND total_spent >= 50", "rule text after switching with the keyboard")
    await tabTo(page, text, "Rule text")
    await page.keyboard.press("ControlOrMeta+End")
    await page.keyboard.type(" AND")
    await page.getByTestId("syntax-error").waitFor()
    expect(await page.getByRole("button", { name: "Save" }).isDisabled(), "Save disabled while the text has a syntax error")
    for (let i = 0; i < 4; i++) await page.keyboard.press("Backspace")
    await page.getByTestId("syntax-error").waitFor({ state: "detached" })
    await tabTo(page, page.getByRole("tab", { name: "Text" }), "Text tab", { back: true })
    await page.keyboard.press("ArrowLeft")
    await rows.nth(1).waitFor()
    expectEqual(await rows.count(), 2, "two rows after switching back")

    const expected = await api("POST", "/admin/personalization/segments/preview", { rule_text: "orders_count >= 3 AND total_spent >= 50", purpose: "personalization" })
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid="preview-count"]')?.textContent === String(n) &&
        !document.querySelector('[data-testid="preview-panel"]')?.textContent?.includes("updating"),
      expected.count
    )
    await kshot("03-editor")
    const save = page.getByRole("button", { name: "Save" })
    await tabTo(page, save, "Save")
    await expectFocusVisible(page, "Save")
    await page.keyboard.press("Enter")
    await page.waitForURL((u) => /\/app\/segments\/[^/]+$/.test(u.pathname) && !u.pathname.endsWith("/new"))
    segmentId = page.url().split("/").pop()
    const { segment } = await api("GET", `/admin/personalization/segments/${segmentId}`)
    expectEqual([segment.handle, segment.status, segment.rule_text], [SEG.handle, "active", "orders_count >= 3 AND total_spent >= 50"], "segment created by Enter on Save")
    noProblems("editor (keyboard)")
  })

  // ---- segment detail ------------------------------------------------------------------------------------------------
  let groupId = ""
  await step("keyboard: segment detail tab order; Refresh with Enter; gate a promotion from its drawer; Esc returns focus", async () => {
    const code = `KEYGATE${RUN.toUpperCase()}`
    const { promotion } = await api("POST", "/admin/promotions", {
      code,
      type: "standard",
      status: "active",
      is_automatic: false,
      application_method: { type: "percentage", target_type: "order", value: 5, allocation: "across", currency_code: "eur" },
    })
    await page.getByTestId("detail-member-count").waitFor()
    const { segment } = await api("GET", `/admin/personalization/segments/${segmentId}`)
    groupId = segment.customer_group_id
    const items = [
      ["Edit", page.getByRole("link", { name: "Edit" })],
      ["Refresh", page.getByRole("button", { name: "Refresh" })],
      ["Gate a promotion", page.getByRole("button", { name: "Gate a promotion" })],
      ["customer group", page.getByRole("link", { name: segment.customer_group.name, exact: true }).last()],
    ]
    if (segment.member_count > 0) items.push(["first member", page.locator('[data-testid="member-row"]').first().getByRole("link")])
    await expectTabOrder(page, items)

    const refresh = page.getByRole("button", { name: "Refresh" })
    await tabTo(page, refresh, "Refresh", { back: true })
    await page.keyboard.press("Enter")
    await page.getByText("Segment refreshed").first().waitFor()
    const after = await api("GET", `/admin/personalization/segments/${segmentId}`)
    expect(after.segment.last_refreshed_at, "Refresh (Enter) refreshed the segment")

    const gateBtn = page.getByRole("button", { name: "Gate a promotion" })
    await tabTo(page, gateBtn, "Gate a promotion")
    await page.keyboard.press("Enter")
    await escCloses(page, gateBtn, "gate-a-promotion drawer")
    await page.keyboard.press("Enter")
    const search = page.getByRole("searchbox", { name: "Find a promotion" })
    await tabTo(page, search, "Find a promotion")
    await page.keyboard.type(code)
    const dialog = page.getByRole("dialog")
    await dialog.getByText(code, { exact: false }).first().waitFor()
    await page.waitForFunction(() => document.querySelectorAll('[role="dialog"] li').length === 1)
    await tabTo(page, dialog.getByRole("button", { name: "Gate", exact: true }), "Gate in the drawer")
    await page.keyboard.press("Enter")
    await dialog.waitFor({ state: "detached" })
    await expectFocused(page, gateBtn, "focus back on 'Gate a promotion' after gating")
    const { rules } = await api("GET", `/admin/promotions/${promotion.id}/rules`)
    const rule = rules.find((r) => r.attribute === "customer.groups.id")
    expect(rule?.operator === "in" && rule.values.some((v) => (v.value ?? v) === groupId), `promotion gated from the drawer: ${JSON.stringify(rules)}`)
    await kshot("04-segment-detail")
    noProblems("detail (keyboard)")
  })

  // ---- segment editor: edit ----------------------------------------------------------------------------------------
  await step("keyboard: Edit (Enter on the link), change the description, Enter submits; the API has it", async () => {
    const edit = page.getByRole("link", { name: "Edit" })
    await tabTo(page, edit, "Edit", { back: true })
    await page.keyboard.press("Enter")
    await page.waitForURL(/\/edit$/)
    const desc = page.getByRole("textbox", { name: "Description (optional)" })
    await tabTo(page, desc, "Description")
    await page.keyboard.type("Edited with the keyboard")
    await page.getByTestId("preview-count").waitFor()
    await kshot("05-editor-edit")
    await page.keyboard.press("Enter")
    await page.waitForURL((u) => u.pathname.endsWith(`/segments/${segmentId}`))
    const { segment } = await api("GET", `/admin/personalization/segments/${segmentId}`)
    expectEqual(segment.description, "Edited with the keyboard", "description saved by Enter")
    noProblems("edit (keyboard)")
  })

  // ---- widgets -------------------------------------------------------------------------------------------------------
  await step("keyboard: customer widget — segment link then Explain; Enter opens the trace, Esc closes and returns focus", async () => {
    const { members } = await api("GET", `/admin/personalization/segments/${segmentId}/members?limit=1`)
    expect(members.length > 0, "the keyboard segment has a member")
    await page.goto(`${origin}/app/customers/${members[0].customer_id}`)
    const widget = page.getByTestId("personalization-widget")
    const mine = widget.locator('[data-testid="customer-segment"]', { hasText: SEG.name })
    await mine.waitFor()
    await tabTo(page, mine.getByRole("link", { name: SEG.name }), "segment link in the widget")
    await expectFocusVisible(page, "segment link in the widget")
    await page.keyboard.press("Tab")
    const explain = mine.getByRole("button", { name: `Explain membership of ${SEG.name}` })
    await expectFocused(page, explain, "Tab from the segment link")
    await expectFocusVisible(page, "Explain")
    await page.keyboard.press("Enter")
    await page.getByTestId("explain-drawer").getByTestId("trace-condition").first().waitFor()
    await kshot("06-explain")
    await escCloses(page, explain, "explain drawer")
    noProblems("customer widget (keyboard)")
  })

  await step("keyboard: promotion widget — pick a segment with arrows + Enter, Tab to Gate, Enter gates (the API confirms)", async () => {
    const { promotion } = await api("POST", "/admin/promotions", {
      code: `KEYWIDGET${RUN.toUpperCase()}`,
      type: "standard",
      status: "active",
      is_automatic: false,
      application_method: { type: "percentage", target_type: "order", value: 5, allocation: "across", currency_code: "eur" },
    })
    await page.goto(`${origin}/app/promotions/${promotion.id}`)
    const widget = page.getByTestId("promotion-segment-widget")
    const picker = widget.getByRole("combobox", { name: "Gate to a segment" })
    await tabTo(page, picker, "segment picker", { max: 120 })
    await expectFocusVisible(page, "segment picker")
    await chooseOption(page, new RegExp(`^${escapeRe(SEG.name)}`), "segment picker")
    await page.keyboard.press("Tab")
    await expectFocused(page, widget.getByRole("button", { name: "Gate" }), "Tab from the picker")
    await page.keyboard.press("Enter")
    await widget.locator('[data-testid="gating-segment"]', { hasText: SEG.name }).waitFor()
    const { rules } = await api("GET", `/admin/promotions/${promotion.id}/rules`)
    const rule = rules.find((r) => r.attribute === "customer.groups.id")
    expect(rule?.values.some((v) => (v.value ?? v) === groupId), "gated through the widget")
    await kshot("07-promotion-widget")
    noProblems("promotion widget (keyboard)")
  })

  await step("keyboard: the detail's customer-group link opens the group (Enter); its notice links back to the segment (Enter)", async () => {
    await page.goto(`${origin}/app/segments/${segmentId}`)
    await page.getByTestId("detail-member-count").waitFor()
    const { segment } = await api("GET", `/admin/personalization/segments/${segmentId}`)
    await tabTo(page, page.getByRole("link", { name: segment.customer_group.name, exact: true }).last(), "customer group link")
    await page.keyboard.press("Enter")
    await page.waitForURL((u) => u.pathname.endsWith(`/customer-groups/${groupId}`))
    const link = page.getByRole("link", { name: "Open the segment" })
    await tabTo(page, link, "Open the segment", { max: 120 })
    await expectFocusVisible(page, "Open the segment")
    await kshot("08-group-notice")
    await page.keyboard.press("Enter")
    await page.waitForURL((u) => u.pathname.endsWith(`/segments/${segmentId}`))
    noProblems("group widget (keyboard)")
  })

  // ---- placements ----------------------------------------------------------------------------------------------------
  let placementId = ""
  await step("keyboard: placements list tab order; Create opens a modal focused on Handle; Esc returns focus; Enter creates", async () => {
    await page.goto(`${origin}/app/placements`)
    await page.getByRole("heading", { name: "Placements" }).waitFor()
    const createBtn = page.getByRole("button", { name: "Create placement" }).first()
    const items = [
      ["Create placement", createBtn],
      ["Search placements", page.getByRole("searchbox", { name: "Search placements" })],
    ]
    if (await page.locator('[data-testid="placement-row"]').count()) items.push(["first placement", page.locator('[data-testid="placement-row"]').first().getByRole("link")])
    await expectTabOrder(page, items)
    await tabTo(page, createBtn, "Create placement", { back: true })
    await page.keyboard.press("Enter")
    await expectFocused(page, page.getByRole("textbox", { name: "Handle" }), "the modal focuses Handle")
    await escCloses(page, createBtn, "create-placement modal")
    await page.keyboard.press("Enter")
    await expectFocused(page, page.getByRole("textbox", { name: "Handle" }), "the modal focuses Handle again")
    await page.keyboard.type(PLACEMENT)
    await page.keyboard.press("Enter")
    await page.waitForURL(/\/app\/placements\/[^/]+$/)
    placementId = page.url().split("/").pop()
    const { placement } = await api("GET", `/admin/personalization/placements/${placementId}`)
    expectEqual(placement.handle, PLACEMENT, "placement created by Enter")
    noProblems("placements list (keyboard)")
  })

  await step("keyboard: placement editor — variant drawer (Enter submits, Esc returns focus), preview for a customer", async () => {
    await page.getByRole("heading", { name: PLACEMENT }).waitFor()
    const addVariant = page.getByRole("button", { name: "Add variant" })
    await expectTabOrder(page, [
      ["Placements breadcrumb", page.getByRole("link", { name: "Placements", exact: true }).last()],
      ["Delete placement", page.getByRole("button", { name: "Delete placement" })],
      ["Handle", page.getByRole("textbox", { name: "Handle" })],
      ["Description", page.getByRole("textbox", { name: "Description" })],
      ["Add variant", addVariant],
      ["Search customers to preview", page.getByRole("searchbox", { name: "Search customers to preview" })],
    ])
    await tabTo(page, addVariant, "Add variant", { back: true })
    await page.keyboard.press("Enter")
    await escCloses(page, addVariant, "variant drawer")
    await page.keyboard.press("Enter")
    const name = page.getByRole("textbox", { name: "Name", exact: true })
    await tabTo(page, name, "variant Name")
    await page.keyboard.type("Keyboard default")
    await page.keyboard.press("Enter")
    await page.getByTestId("variant-form").waitFor({ state: "detached" })
    await expectFocused(page, addVariant, "focus back on Add variant after saving")
    await page.getByTestId("variant-row").first().waitFor()
    const { placement } = await api("GET", `/admin/personalization/placements/${placementId}`)
    expectEqual(placement.variants.map((v) => v.name), ["Keyboard default"], "variant added with Enter")

    const { customers } = await api("GET", "/admin/customers?limit=1&has_account=true&fields=id,email")
    const search = page.getByRole("searchbox", { name: "Search customers to preview" })
    await tabTo(page, search, "preview search")
    await page.keyboard.type(customers[0].email)
    const pick = page.getByTestId("placement-preview").getByRole("button", { name: new RegExp(escapeRe(customers[0].email)) })
    await pick.waitFor()
    await page.keyboard.press("Tab")
    await expectFocused(page, pick, "Tab from the search to the first customer")
    await page.keyboard.press("Enter")
    await page.getByTestId("preview-variant").filter({ hasText: "Keyboard default" }).waitFor()
    await kshot("09-placement-editor")
    noProblems("placement editor (keyboard)")
  })

  // ---- analytics -----------------------------------------------------------------------------------------------------
  await step("keyboard: analytics — tabs switch with the arrow keys; period form; Start experiment drawer Esc returns focus", async () => {
    await page.goto(`${origin}/app/analytics`)
    await page.getByRole("heading", { name: "Personalization analytics" }).waitFor()
    await page.getByTestId("segment-comparison").waitFor()
    await expectTabOrder(page, [
      ["Segments tab", page.getByRole("tab", { name: "Segments" })],
      ["From", page.getByLabel("From", { exact: true })],
      ["To", page.getByLabel("To", { exact: true })],
      ["Apply period", page.getByRole("button", { name: "Apply period" })],
    ])
    await page.keyboard.press("Enter") // Apply period
    await tabTo(page, page.getByRole("tab", { name: "Segments" }), "Segments tab", { back: true })
    await page.keyboard.press("ArrowRight")
    await page.waitForURL(/tab=customers/)
    await page.getByTestId("rfm-card").waitFor()
    await expectFocused(page, page.getByRole("tab", { name: /RFM/ }), "ArrowRight moves to the next tab")
    await tabTo(page, page.getByRole("button", { name: "Train now" }), "Train now")
    await expectFocusVisible(page, "Train now")
    await tabTo(page, page.getByRole("tab", { name: /RFM/ }), "RFM tab", { back: true })
    await page.keyboard.press("ArrowRight")
    await page.waitForURL(/tab=experiments/)
    const start = page.getByRole("button", { name: "Start experiment" })
    await tabTo(page, start, "Start experiment")
    await expectFocusVisible(page, "Start experiment")
    await page.keyboard.press("Enter")
    await escCloses(page, start, "start-experiment drawer")
    await kshot("10-analytics")
    noProblems("analytics (keyboard)")
  })
  shared.keyboardSegmentId = segmentId
}
