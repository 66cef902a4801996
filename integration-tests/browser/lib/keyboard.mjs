// Keyboard-only helpers: move focus with Tab / Shift+Tab and assert WHICH element has it (the one a role + accessible
// name locator resolves to, so the accessible name is checked by Playwright's own computation) and that it is
// visibly focused. No mouse: nothing here clicks.

/** A short description of the focused element, for error messages. */
export function describeFocus(page) {
  return page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return "<body>"
    const name = el.getAttribute("aria-label") || el.textContent?.trim().slice(0, 40) || el.getAttribute("placeholder") || ""
    return `<${el.tagName.toLowerCase()}${el.getAttribute("role") ? ` role=${el.getAttribute("role")}` : ""}${el.id ? ` id=${el.id}` : ""}> "${name}"`
  })
}

export async function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement)
}

export async function expectFocused(page, locator, what) {
  await locator.waitFor()
  if (!(await isFocused(locator))) throw new Error(`${what}: expected focus on it, focus is on ${await describeFocus(page)}`)
}

/**
 * The focused element matches :focus-visible and LOOKS focused: its outline, box-shadow (ring), border or background
 * differ from the same element unfocused (a shallow clone with the same classes, measured next to it and removed).
 */
export async function expectFocusVisible(page, what) {
  const r = await page.evaluate(() => {
    const el = document.activeElement
    if (!el || el === document.body) return { ok: false, why: "nothing focused" }
    // Focus rings fade in (CSS transitions): measure the end state.
    for (const a of el.getAnimations()) a.finish()
    const props = ["outlineStyle", "outlineColor", "outlineWidth", "boxShadow", "borderColor", "backgroundColor", "textDecorationLine"]
    const pick = (cs) => Object.fromEntries(props.map((p) => [p, cs[p]]))
    const focused = pick(getComputedStyle(el))
    const clone = el.cloneNode(false)
    clone.removeAttribute("id")
    clone.setAttribute("aria-hidden", "true")
    clone.tabIndex = -1
    clone.style.position = "absolute"
    clone.style.visibility = "hidden"
    clone.style.pointerEvents = "none"
    el.parentNode.insertBefore(clone, el.nextSibling)
    const plain = pick(getComputedStyle(clone))
    clone.remove()
    const changed = props.filter((p) => focused[p] !== plain[p])
    const outline = focused.outlineStyle !== "none" && parseFloat(focused.outlineWidth) > 0 && !/rgba\(0, 0, 0, 0\)|transparent/.test(focused.outlineColor)
    const visible = el.matches(":focus-visible")
    return { ok: visible && (changed.length > 0 || outline), why: `focus-visible=${visible}, changed when focused: ${changed.join(", ") || "nothing"}` }
  })
  if (!r.ok) {
    const msg = `${what}: no visible focus indicator (${r.why}) on ${await describeFocus(page)}`
    // Debugging aid only (never in CI): report and go on, to see every failing control in one run.
    if (process.env.BROWSER_FOCUS_WARN === "1") return console.log(`[browser] WARN ${msg}`)
    throw new Error(msg)
  }
}

/** Press Tab (or Shift+Tab) until `locator`'s element has focus; returns how many presses it took. */
export async function tabTo(page, locator, what, { max = 80, back = false } = {}) {
  await locator.waitFor()
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press(back ? "Shift+Tab" : "Tab")
    if (await isFocused(locator)) return i
  }
  throw new Error(`${what}: not reached with ${max} × ${back ? "Shift+Tab" : "Tab"}; focus ends on ${await describeFocus(page)}`)
}

/**
 * Tab forward through `items` ([name, locator] pairs): each must be reached, in this order (reaching a later one
 * first fails), each with a visible focus indicator. Other focusable elements may sit in between.
 */
export async function expectTabOrder(page, items, { max = 40 } = {}) {
  const handles = []
  for (const [name, loc] of items) {
    await loc.waitFor().catch(() => {
      throw new Error(`tab order: "${name}" is not on the page`)
    })
    handles.push(await loc.elementHandle())
  }
  const order = []
  for (let i = 0; i < items.length; i++) {
    let reached = false
    for (let n = 0; n < max; n++) {
      await page.keyboard.press("Tab")
      const at = await page.evaluate((els) => els.indexOf(document.activeElement), handles)
      if (at === i) {
        reached = true
        break
      }
      if (at > i) throw new Error(`tab order: reached "${items[at][0]}" before "${items[i][0]}" (order so far: ${order.join(" → ")})`)
    }
    if (!reached) throw new Error(`tab order: "${items[i][0]}" not reached within ${max} Tabs after ${order.join(" → ") || "the start"}; focus on ${await describeFocus(page)}`)
    order.push(items[i][0])
    await expectFocusVisible(page, `"${items[i][0]}"`)
  }
  return order
}

/** Opens the focused Radix select with the keyboard and picks the option whose label matches (arrow keys + Enter). */
export async function chooseOption(page, optionName, what) {
  const trigger = await page.evaluateHandle(() => document.activeElement)
  await page.keyboard.press("Enter")
  const option = page.getByRole("option", { name: optionName })
  await option.waitFor()
  await page.keyboard.press("Home")
  for (let i = 0; i < 60; i++) {
    if (await option.evaluate((el) => el === document.activeElement || el.getAttribute("data-highlighted") !== null)) {
      await page.keyboard.press("Enter")
      await option.waitFor({ state: "detached" })
      // Radix gives focus back to the trigger after the listbox unmounts, a moment later under load: a Tab pressed
      // before that starts from the listbox's last position (the flake seen twice on a loaded machine).
      await page.waitForFunction((el) => document.activeElement === el, trigger, { timeout: 10_000 })
      return
    }
    await page.keyboard.press("ArrowDown")
  }
  throw new Error(`${what}: option ${optionName} not reachable with ArrowDown`)
}
