import fc from "fast-check"
import { computeOrderTraits, type OrderFact } from "../order-traits"
import { divideDecimal } from "../decimal-division"
import { toDecimal, decimalToString } from "../../rules/decimal"

const day = (n: number) => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000)

function order(id: string, total: number | string, at: Date, extra: Partial<OrderFact> = {}): OrderFact {
  return { id, total, created_at: at, currency_code: "eur", canceled: false, items: [], ...extra }
}

describe("computeOrderTraits", () => {
  it("counts, sums exactly, averages and dates live orders only", () => {
    const t = computeOrderTraits(
      [
        order("a", "10.10", day(3)),
        order("b", 0.2, day(1)),
        order("c", "99.99", day(5), { canceled: true }),
        order("d", "5.00", day(2), { currency_code: "USD" }),
      ],
      { currency: "EUR" }
    )
    expect(t.orders_count).toBe(3)
    expect(t.total_spent).toBe("10.3") // not 10.299999999999999
    expect(t.aov).toBe("5.15")
    expect(t.spent_by_currency).toEqual({ eur: "10.3", usd: "5" })
    expect(t.orders_by_currency).toEqual({ eur: 2, usd: 1 })
    expect(t.first_order_at).toEqual(day(1))
    expect(t.last_order_at).toEqual(day(3))
  })

  it("ranks products and categories by quantity, ties by id, capped at topN", () => {
    const items = [
      { product_id: "p2", category_ids: ["c1"], quantity: 2 },
      { product_id: "p1", category_ids: ["c1", "c2"], quantity: 2 },
      { product_id: "p3", category_ids: [], quantity: 5 },
    ]
    const t = computeOrderTraits([order("a", 1, day(0), { items })], { currency: "eur", topN: 2 })
    expect(t.products_bought).toEqual(["p3", "p1"])
    expect(t.categories_bought).toEqual(["c1", "c2"])
  })

  it("is empty and zero without orders", () => {
    const t = computeOrderTraits([], { currency: "eur" })
    expect(t).toMatchObject({ orders_count: 0, total_spent: "0", aov: "0", first_order_at: null, last_order_at: null })
  })

  it("property: total equals the integer-cent sum, order of orders does not matter", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ cents: fc.integer({ min: 0, max: 10_000_000 }), canceled: fc.boolean(), d: fc.nat(180) }), {
          maxLength: 40,
        }),
        (rows) => {
          const orders = rows.map((r, i) =>
            order(`o${i}`, (r.cents / 100).toFixed(2), day(r.d), { canceled: r.canceled })
          )
          const t = computeOrderTraits(orders, { currency: "eur" })
          const liveCents = rows.filter((r) => !r.canceled).reduce((s, r) => s + BigInt(r.cents), 0n)
          expect(toDecimal(t.total_spent)).not.toBeNull()
          expect(Math.round(Number(t.total_spent) * 100)).toBe(Number(liveCents))
          expect(computeOrderTraits([...orders].reverse(), { currency: "eur" })).toEqual(t)
        }
      )
    )
  })
})

describe("divideDecimal", () => {
  it("rounds half away from zero", () => {
    expect(decimalToString(divideDecimal(toDecimal("10")!, 3, 2))).toBe("3.33")
    expect(decimalToString(divideDecimal(toDecimal("2")!, 3, 2))).toBe("0.67")
    expect(decimalToString(divideDecimal(toDecimal("-2")!, 3, 2))).toBe("-0.67")
    expect(decimalToString(divideDecimal(toDecimal("0.005")!, 1, 2))).toBe("0.01")
    expect(decimalToString(divideDecimal(toDecimal("1.23456")!, 1, 2))).toBe("1.23")
  })
  it("refuses a non-positive divisor", () => {
    expect(() => divideDecimal(toDecimal("1")!, 0, 2)).toThrow(RangeError)
  })
})
