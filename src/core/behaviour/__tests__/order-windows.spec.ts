/**
 * Windows over order facts (#17.1), end to end in the core: Medusa-shaped orders → orderFacts → the rule language.
 * The segment "2+ orders and more than €200 in the last 90 days" is exact (decimal sums), a canceled order leaves it,
 * it ends exactly when an order leaves the window, and "no order in 90 days" agrees with the day-count trait.
 */
import fc from "fast-check"
import { computeOrderTraits, type OrderFact } from "../../traits"
import { evaluate, format, matches, nextChange, parse, validateRule, tryParse, type Rule, type Subject } from "../../rules"
import { addDecimal, compareDecimal, toDecimal, ZERO } from "../../rules/decimal"
import { orderFacts } from "../order-facts"

const NOW = new Date("2026-06-10T12:00:00.000Z")
const T = NOW.getTime()
const D = 86_400_000
const TWO_OVER_200 = "event('order_placed').count(last 90d) >= 2 AND event('order_placed').sum(amount, last 90d) > 200"
const LAPSED = "event('order_placed').none(last 90d) AND orders_count >= 1"

const order = (id: string, daysAgo: number, total: string, extra: Partial<OrderFact> = {}): OrderFact => ({
  id,
  created_at: new Date(T - daysAgo * D),
  currency_code: "eur",
  total,
  canceled: false,
  items: [{ product_id: "prod_1", variant_id: "var_1", quantity: 1, category_ids: ["shoes"], category_refs: ["pcat_shoes"] }],
  ...extra,
})

/** A customer as the pipeline evaluates them: order traits on the profile, order facts as events. */
function subjectOf(orders: OrderFact[]): Subject {
  const traits = computeOrderTraits(orders, { currency: "eur" })
  return {
    traits: { orders_count: traits.orders_count, total_spent: traits.total_spent, last_order_at: traits.last_order_at },
    events: orderFacts(orders, { currency: "eur" }).map((f) => ({ type: f.type, properties: f.properties, occurred_at: f.occurred_at })),
    segments: [],
    consent: {},
  }
}

const rule = (text: string): Rule => {
  const v = validateRule(parse(text))
  if (!v.ok) throw new Error(`${text}: ${JSON.stringify(v.errors)}`)
  return v.rule
}

describe("order windows", () => {
  it("the documented rules parse, validate and format back to themselves", () => {
    for (const text of [
      TWO_OVER_200,
      LAPSED,
      "event('order_placed', category_handles CONTAINS 'shoes').exists(last 30d)",
      "event('order_placed', category_ids IN ('pcat_shoes', 'pcat_bags')).count(last 90d) >= 2",
      "event('order_placed', sales_channel_id = 'sc_web').sum(amount, last 365d) >= '1000.00'",
      "event('order_canceled').count(last 30d) >= 2",
      "event('cart_line_added').exists(last 2h) AND event('cart_completed').none(last 2h)",
    ]) {
      const r = rule(text)
      expect(parse(format(r))).toEqual(r)
    }
    // CONTAINS takes a string
    const bad = tryParse("event('order_placed', category_handles CONTAINS 5).exists(last 30d)")
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.message).toContain("a 'string' after CONTAINS")
  })

  it("2+ orders and more than €200 in 90 days: exact sums, canceled orders out, older orders out", () => {
    const r = rule(TWO_OVER_200)
    // 100.10 + 99.90 = 200.00 exactly: not more than 200 (a float sum says 200.00000000000003)
    expect(matches(r, subjectOf([order("a", 10, "100.10"), order("b", 20, "99.90")]), NOW)).toBe(false)
    expect(matches(r, subjectOf([order("a", 10, "100.10"), order("b", 20, "99.91")]), NOW)).toBe(true)
    // a canceled order leaves both the count and the sum
    expect(matches(r, subjectOf([order("a", 10, "150"), order("b", 20, "150", { canceled: true }), order("c", 30, "60")]), NOW)).toBe(true)
    expect(matches(r, subjectOf([order("a", 10, "150"), order("b", 20, "150", { canceled: true })]), NOW)).toBe(false)
    // lifetime traits say yes, the window says no
    const old = subjectOf([order("a", 10, "300"), order("b", 91, "300"), order("c", 120, "300")])
    expect(old.traits.orders_count).toBe(3)
    expect(matches(r, old, NOW)).toBe(false)
    // an order in another currency counts as an order but adds nothing to the store-currency sum
    expect(matches(r, subjectOf([order("a", 10, "250"), order("b", 20, "500", { currency_code: "usd" })]), NOW)).toBe(true)
    expect(matches(r, subjectOf([order("a", 10, "150"), order("b", 20, "500", { currency_code: "usd" })]), NOW)).toBe(false)
    // the trace shows what was counted and summed
    const trace = evaluate(r, subjectOf([order("a", 10, "100.10"), order("b", 20, "99.91")]), NOW).trace as any
    expect(trace.children.map((c: any) => [c.actual, c.expected])).toEqual([
      [2, 2],
      ["200.01", "200"],
    ])
  })

  it("ordered from a category in the last 30 days: by handle or id", () => {
    const s = subjectOf([order("a", 40, "10"), order("b", 5, "10", { items: [{ product_id: "p", variant_id: "v", quantity: 2, category_ids: ["bags"], category_refs: ["pcat_bags"] }] })])
    expect(matches(rule("event('order_placed', category_handles CONTAINS 'bags').exists(last 30d)"), s, NOW)).toBe(true)
    expect(matches(rule("event('order_placed', category_handles CONTAINS 'shoes').exists(last 30d)"), s, NOW)).toBe(false) // 40 days ago
    expect(matches(rule("event('order_placed', category_ids IN ('pcat_x', 'pcat_bags')).exists(last 30d)"), s, NOW)).toBe(true)
    expect(matches(rule("event('order_placed', category_handles NOT IN ('bags')).exists(last 30d)"), s, NOW)).toBe(false)
    expect(matches(rule("event('order_placed', item_count >= 2).count(last 30d) = 1"), s, NOW)).toBe(true)
  })

  it("exact-time exit: the member leaves when the order that keeps them in leaves the window", () => {
    const r = rule(TWO_OVER_200)
    const s = subjectOf([order("a", 80, "150"), order("b", 10, "150"), order("c", 85, "50", { canceled: true })])
    const exit = new Date(T - 80 * D + 90 * D)
    expect(nextChange(r, s, NOW)).toEqual(exit)
    expect(matches(r, s, exit.getTime() - 1)).toBe(true)
    expect(matches(r, s, exit)).toBe(false)
    // "no order in 90 days" starts exactly 90 days after the last order
    const lapsed = rule(LAPSED)
    const l = subjectOf([order("a", 60, "10"), order("b", 30, "10")])
    expect(nextChange(lapsed, l, NOW)).toEqual(new Date(T - 30 * D + 90 * D))
  })

  it("property: windows over order facts equal the same computation over the orders themselves", () => {
    const orderArb = fc.record({
      daysAgo: fc.oneof(fc.integer({ min: -1, max: 400 }), fc.constantFrom(90, 30, 0)),
      offsetMs: fc.constantFrom(0, 1, -1, 5_000),
      cents: fc.integer({ min: 0, max: 5_000_000 }),
      canceled: fc.boolean(),
      currency: fc.constantFrom("eur", "eur", "usd"),
    })
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 12 }), fc.constantFrom(30, 90, 365), fc.integer({ min: 0, max: 400_00 }), (list, days, thresholdCents) => {
        const orders = list.map((o, i) => {
          const total = `${Math.floor(o.cents / 100)}.${String(o.cents % 100).padStart(2, "0")}`
          return { ...order(`o${i}`, o.daysAgo, total, { canceled: o.canceled, currency_code: o.currency }), created_at: new Date(T - o.daysAgo * D + o.offsetMs) }
        })
        const s = subjectOf(orders)
        const inWindow = orders.filter((o) => !o.canceled && o.created_at.getTime() > T - days * D && o.created_at.getTime() <= T)
        let sum = ZERO
        for (const o of inWindow) if (o.currency_code === "eur") sum = addDecimal(sum, toDecimal(o.total as string)!)
        const threshold = `${Math.floor(thresholdCents / 100)}.${String(thresholdCents % 100).padStart(2, "0")}`
        const text = `event('order_placed').count(last ${days}d) >= 2 AND event('order_placed').sum(amount, last ${days}d) > '${threshold}'`
        expect(matches(rule(text), s, NOW)).toBe(inWindow.length >= 2 && compareDecimal(sum, toDecimal(threshold)!) > 0)
        // no order in the last 90 days (buyers only) is the day-count trait's days_since_last_order >= 90, for orders
        // placed by now (an order dated after the evaluation instant is in no window yet, but it is the last order)
        if (orders.every((o) => o.created_at.getTime() <= T)) {
          expect(matches(rule(LAPSED), s, NOW)).toBe(matches(rule("days_since_last_order >= 90"), s, NOW))
        }
      }),
      { numRuns: 300 }
    )
  })
})
