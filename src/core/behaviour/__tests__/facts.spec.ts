import fc from "fast-check"
import type { CartFact, OrderFact } from "../../traits"
import { computeOrderTraits } from "../../traits"
import {
  CART_COMPLETED,
  CART_LINE_ADDED,
  CART_LINE_REMOVED,
  ORDER_CANCELED,
  ORDER_PLACED,
  applyFactChanges,
  cartFacts,
  exactAmount,
  orderFact,
  reconcileServerFacts,
  type ServerFact,
  type StoredFact,
} from ".."
import { addDecimal, decimalToString, toDecimal, ZERO } from "../../rules/decimal"

const at = (iso: string) => new Date(iso)
const order = (over: Partial<OrderFact> = {}): OrderFact => ({
  id: "order_1",
  created_at: at("2026-03-01T10:00:00.000Z"),
  currency_code: "EUR",
  total: "120.10",
  canceled: false,
  items: [
    { product_id: "prod_b", variant_id: "var_2", quantity: 2, category_ids: ["shoes"], category_refs: ["pcat_shoes"], collection_id: "pcol_summer" },
    { product_id: "prod_a", variant_id: "var_1", quantity: 1, category_ids: ["shoes", "bags"], category_refs: ["pcat_bags", "pcat_shoes"], collection_id: null },
  ],
  sales_channel_id: "sc_1",
  region_id: "reg_1",
  refunded_total: 0,
  ...over,
})
let seq = 0
const OBSERVED = at("2026-03-01T11:00:00.000Z")
const stored = (f: ServerFact): StoredFact => ({ ...f, id: `pevt_${++seq}`, properties: JSON.parse(JSON.stringify(f.properties)) })

describe("order facts", () => {
  it("an order that stands is order_placed at its creation, with exact amounts, units, ids, channel and region", () => {
    const f = orderFact(order(), { currency: "eur" })
    expect(f).toEqual({
      client_id: "order_placed order_1",
      type: ORDER_PLACED,
      occurred_at: at("2026-03-01T10:00:00.000Z"),
      properties: {
        order_id: "order_1",
        amount: "120.1",
        total: "120.1",
        currency_code: "eur",
        refunded_amount: "0",
        item_count: 3,
        product_ids: ["prod_a", "prod_b"],
        variant_ids: ["var_1", "var_2"],
        category_ids: ["pcat_bags", "pcat_shoes"],
        category_handles: ["bags", "shoes"],
        collection_ids: ["pcol_summer"],
        sales_channel_id: "sc_1",
        region_id: "reg_1",
      },
    })
    // the client id has a space: storefront ids (printable ASCII without space) can never take it
    expect(f.client_id).toMatch(/ /)
  })

  it("a canceled order is order_canceled at its cancellation time and no order_placed", () => {
    const f = orderFact(order({ canceled: true, canceled_at: at("2026-03-02T08:00:00.000Z") }), { currency: "eur" })
    expect(f.type).toBe(ORDER_CANCELED)
    expect(f.client_id).toBe("order_canceled order_1")
    expect(f.occurred_at).toEqual(at("2026-03-02T08:00:00.000Z"))
    expect(f.properties.placed_at).toBe("2026-03-01T10:00:00.000Z")
  })

  it("amount only in the store currency (total and currency_code always), refunds kept apart", () => {
    const usd = orderFact(order({ currency_code: "usd", total: 99.5, refunded_total: "10.00" }), { currency: "eur" })
    expect(usd.properties.amount).toBeUndefined()
    expect(usd.properties).toMatchObject({ total: "99.5", currency_code: "usd", refunded_amount: "10" })
  })

  it("Medusa amounts become exact decimal strings (numbers, decimal and exponent text)", () => {
    expect(exactAmount(0.1)).toBe("0.1")
    expect(exactAmount("12345678901234567.89")).toBe("12345678901234567.89")
    expect(exactAmount("1e-7")).toBe("0.0000001")
    expect(exactAmount(" 5.50 ")).toBe("5.5")
    expect(exactAmount("abc")).toBeNull()
    expect(exactAmount(null)).toBeNull()
  })

  it("property: the sum of order_placed amounts equals total_spent and their count orders_count (exact decimals)", () => {
    const amount = fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 99 })).map(([a, c]) => `${a}.${String(c).padStart(2, "0")}`)
    const orders = fc.array(
      fc.record({ total: amount, canceled: fc.boolean(), currency: fc.constantFrom("eur", "usd") }),
      { maxLength: 30 }
    )
    fc.assert(
      fc.property(orders, (list) => {
        const facts = list.map((o, i) =>
          orderFact(order({ id: `o${i}`, total: o.total, canceled: o.canceled, currency_code: o.currency }), { currency: "eur" })
        )
        const placed = facts.filter((f) => f.type === ORDER_PLACED)
        let sum = ZERO
        for (const f of placed) if (typeof f.properties.amount === "string") sum = addDecimal(sum, toDecimal(f.properties.amount)!)
        const traits = computeOrderTraits(
          list.map((o, i) => order({ id: `o${i}`, total: o.total, canceled: o.canceled, currency_code: o.currency })),
          { currency: "eur" }
        )
        expect(placed.length).toBe(traits.orders_count)
        expect(decimalToString(sum)).toBe(traits.total_spent)
      })
    )
  })
})

describe("cart activity facts", () => {
  const cart = (lines: { variant: string; qty: number }[], over: Partial<CartFact> = {}): CartFact => ({
    id: "cart_1",
    created_at: at("2026-03-01T09:00:00.000Z"),
    updated_at: at("2026-03-01T09:05:00.000Z"),
    completed_at: null,
    items_count: lines.length,
    currency_code: "eur",
    lines: lines.map((l) => ({ variant_id: l.variant, product_id: `prod_${l.variant}`, quantity: l.qty, unit_price: "19.90", category_handles: ["shoes"], category_ids: ["pcat_shoes"] })),
    ...over,
  })

  it("records additions, raised and lowered quantities and removals as deltas with replay-stable keys", () => {
    const first = cartFacts(cart([{ variant: "v1", qty: 2 }]), [], OBSERVED)
    expect(first).toEqual([
      {
        client_id: "cart_line_added cart_1 v1 1",
        type: CART_LINE_ADDED,
        occurred_at: at("2026-03-01T09:05:00.000Z"),
        properties: { cart_id: "cart_1", variant_id: "v1", product_id: "prod_v1", quantity: 2, unit_price: "19.9", currency_code: "eur", category_ids: ["pcat_shoes"], category_handles: ["shoes"] },
      },
    ])
    const recorded = first.map(stored)
    // the same cart again: nothing
    expect(cartFacts(cart([{ variant: "v1", qty: 2 }]), recorded, OBSERVED)).toEqual([])
    // 2 → 5 and a new line
    const second = cartFacts(cart([{ variant: "v1", qty: 5 }, { variant: "v2", qty: 1 }], { updated_at: at("2026-03-01T09:10:00.000Z") }), recorded, OBSERVED)
    expect(second.map((f) => [f.client_id, f.properties.quantity])).toEqual([
      ["cart_line_added cart_1 v1 2", 3],
      ["cart_line_added cart_1 v2 1", 1],
    ])
    recorded.push(...second.map(stored))
    // v1 lowered to 1, v2 removed: the removed line keeps its product from the recorded fact
    const lowered = cart([{ variant: "v1", qty: 1 }], { updated_at: at("2026-03-01T09:00:00.000Z") })
    lowered.lines![0].changed_at = at("2026-03-01T09:20:00.000Z")
    const third = cartFacts(lowered, recorded, OBSERVED)
    expect(third.map((f) => [f.client_id, f.type, f.properties.quantity, f.properties.product_id])).toEqual([
      ["cart_line_removed cart_1 v1 1", CART_LINE_REMOVED, 4, "prod_v1"],
      ["cart_line_removed cart_1 v2 1", CART_LINE_REMOVED, 1, "prod_v2"],
    ])
    // a changed line is dated at its own last write; a line gone from the cart when it was noticed
    expect(third.map((f) => f.occurred_at)).toEqual([at("2026-03-01T09:20:00.000Z"), OBSERVED])
  })

  it("a completed cart gets one cart_completed at its completion time", () => {
    const done = cart([{ variant: "v1", qty: 2 }], { completed_at: at("2026-03-01T09:30:00.000Z") })
    const facts = cartFacts(done, [], OBSERVED)
    const completed = facts.find((f) => f.type === CART_COMPLETED)!
    expect(completed).toEqual({
      client_id: "cart_completed cart_1",
      type: CART_COMPLETED,
      occurred_at: at("2026-03-01T09:30:00.000Z"),
      properties: { cart_id: "cart_1", item_count: 2, product_ids: ["prod_v1"], variant_ids: ["v1"] },
    })
    expect(cartFacts(done, facts.map(stored), OBSERVED)).toEqual([])
  })

  it("property: after any sequence of cart states the recorded net quantity per variant equals the cart", () => {
    const state = fc.dictionary(fc.constantFrom("v1", "v2", "v3"), fc.integer({ min: 0, max: 5 }))
    fc.assert(
      fc.property(fc.array(state, { minLength: 1, maxLength: 8 }), (states) => {
        const recorded: StoredFact[] = []
        for (const [i, s] of states.entries()) {
          const c = cart(Object.entries(s).map(([variant, qty]) => ({ variant, qty })), { updated_at: new Date(Date.UTC(2026, 2, 1, 10, i)) })
          recorded.push(...cartFacts(c, recorded, OBSERVED).map(stored))
          expect(cartFacts(c, recorded, OBSERVED)).toEqual([]) // idempotent
        }
        const net: Record<string, number> = {}
        for (const f of recorded) net[f.properties.variant_id as string] = (net[f.properties.variant_id as string] ?? 0) + (f.type === CART_LINE_ADDED ? 1 : -1) * (f.properties.quantity as number)
        const last = states[states.length - 1]
        for (const v of ["v1", "v2", "v3"]) expect(net[v] ?? 0).toBe(last[v] ?? 0)
        expect(new Set(recorded.map((f) => f.client_id)).size).toBe(recorded.length)
      })
    )
  })
})

describe("reconcile", () => {
  it("writes new and changed order facts, removes the placed fact of a canceled order, and is idempotent", () => {
    const o1 = order({ id: "o1" })
    const o2 = order({ id: "o2", total: "10" })
    let changes = reconcileServerFacts({ now: OBSERVED, orders: [o1, o2], carts: [], stored: [], currency: "eur" })
    expect(changes.upsert.map((f) => f.client_id)).toEqual(["order_placed o1", "order_placed o2"])
    expect(changes.remove).toEqual([])
    let db = changes.upsert.map(stored)
    expect(reconcileServerFacts({ now: OBSERVED, orders: [o1, o2], carts: [], stored: db, currency: "eur" })).toEqual({ upsert: [], remove: [] })

    // o2 returned partly (lower total), o1 canceled
    const o1c = { ...o1, canceled: true, canceled_at: at("2026-03-05T00:00:00.000Z") }
    const o2r = { ...o2, total: "4.5" }
    changes = reconcileServerFacts({ now: OBSERVED, orders: [o1c, o2r], carts: [], stored: db, currency: "eur" })
    expect(changes.upsert.map((f) => [f.client_id, f.properties.amount])).toEqual([
      ["order_canceled o1", "120.1"],
      ["order_placed o2", "4.5"],
    ])
    expect(changes.remove.map((f) => f.client_id)).toEqual(["order_placed o1"])
    // the evaluator's view after writing: o2 with its new amount, o1 only as canceled
    const events = applyFactChanges(db, changes, (f) => ({ ...f, id: "new" }))
    expect(events.map((e) => [e.type, e.properties.order_id]).sort()).toEqual([
      ["order_canceled", "o1"],
      ["order_placed", "o2"],
    ])
    db = events.map((e) => stored(e))
    expect(reconcileServerFacts({ now: OBSERVED, orders: [o1c, o2r], carts: [], stored: db, currency: "eur" })).toEqual({ upsert: [], remove: [] })
  })

  it("an order moved to another customer leaves this customer's facts; cart facts are never removed", () => {
    const db = [
      ...reconcileServerFacts({ now: OBSERVED, orders: [order({ id: "o1" })], carts: [], stored: [], currency: "eur" }).upsert,
      { client_id: "cart_line_added c 1 v 1", type: CART_LINE_ADDED, occurred_at: at("2026-03-01T00:00:00Z"), properties: { cart_id: "c_gone", variant_id: "v", quantity: 1 } } as ServerFact,
    ].map(stored)
    const changes = reconcileServerFacts({ now: OBSERVED, orders: [], carts: [], stored: db, currency: "eur" })
    expect(changes.remove.map((f) => f.client_id)).toEqual(["order_placed o1"])
    expect(changes.upsert).toEqual([])
  })
})
