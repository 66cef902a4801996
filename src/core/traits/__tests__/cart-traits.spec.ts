import { computeCartTraits, isAbandoned, nextAbandonmentAt, type CartFact } from "../cart-traits"

const t0 = new Date("2026-03-01T12:00:00.000Z")
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000)
const cart = (id: string, updatedMin: number, items: number, completed = false): CartFact => ({
  id,
  created_at: minutes(updatedMin - 5),
  updated_at: minutes(updatedMin),
  completed_at: completed ? minutes(updatedMin) : null,
  items_count: items,
})

describe("cart traits", () => {
  it("a cart is abandoned exactly when abandonmentMinutes have passed since its last update", () => {
    const c = cart("a", 0, 1)
    expect(isAbandoned(c, minutes(59), 60)).toBe(false)
    expect(isAbandoned(c, minutes(60), 60)).toBe(true)
    expect(isAbandoned(cart("b", 0, 0), minutes(600), 60)).toBe(false)
    expect(isAbandoned(cart("c", 0, 2, true), minutes(600), 60)).toBe(false)
  })

  it("counts created, abandoned and the rate over carts with items", () => {
    const carts = [cart("a", 0, 1), cart("b", 0, 0), cart("c", 0, 3, true), cart("d", 50, 1)]
    expect(computeCartTraits(carts, minutes(60), 60)).toEqual({
      carts_created: 4,
      carts_abandoned: 1,
      abandonment_rate: 0.3333,
    })
    expect(computeCartTraits([], minutes(60), 60)).toEqual({ carts_created: 0, carts_abandoned: 0, abandonment_rate: 0 })
  })

  it("knows when the next cart turns abandoned", () => {
    const carts = [cart("a", 0, 1), cart("d", 50, 1), cart("e", 20, 1)]
    expect(nextAbandonmentAt(carts, minutes(60), 60)).toEqual(minutes(80))
    expect(nextAbandonmentAt([cart("a", 0, 1)], minutes(60), 60)).toBeNull()
  })
})
