// The showcase's plans are pure and deterministic: the same seed and clock give the same demo shoppers' histories and
// the same visitors' browsing, and they put each subject where the printed lines promise (the member above the `vip`
// thresholds and a repeat buyer, the non-member lapsed and below them, visitor 01 over the home-browsing threshold and
// visitor 02 under it, every event inside the window the events route accepts).
import { buildCatalog } from "../catalog"
import { createRng } from "../prng"
import type { SeededProduct } from "../products"
import { planShoppers, VIP_SPEND } from "../shoppers"
import { HOME_CATEGORY, planVisitors } from "../visitors"
import { memberPrice, memberPriceProducts } from "../offers"
import manifest from "../manifest.json"

const DAY = 86_400_000
const NOW = new Date("2026-12-07T12:00:00Z")

/** The catalogue as the showcase reads it back from a store: sorted by handle, category handles. */
function products(count: number): SeededProduct[] {
  return buildCatalog(createRng(42), count)
    .map((p, i) => {
      const product = { id: `prod_${i}`, title: p.title, handle: p.handle }
      return {
        ...product,
        category: p.category.toLowerCase(),
        variants: p.variants.map((v, k) => ({ id: `variant_${i}_${k}`, title: v.title, sku: v.sku, price: v.price, product })),
      }
    })
    .sort((a, b) => a.handle.localeCompare(b.handle))
}

const spend = (ps: SeededProduct[], orders: { lines: { productIndex: number; variantIndex: number; quantity: number }[] }[]) =>
  orders.reduce((s, o) => s + o.lines.reduce((t, l) => t + ps[l.productIndex].variants[l.variantIndex].price * l.quantity, 0), 0)

describe("demo showcase plans", () => {
  it.each([32, 8, 5])("shoppers (catalogue of %i): deterministic; the member is a VIP repeat buyer, the non-member lapsed and in neither", (count) => {
    const ps = products(count)
    const a = planShoppers(createRng(7), ps)
    expect(planShoppers(createRng(7), ps)).toEqual(a)
    expect(planShoppers(createRng(8), ps)).not.toEqual(a)

    const m = a.member
    expect([m.email, m.password, m.has_account]).toEqual([manifest.shoppers.member.email, manifest.shoppers.member.password, true])
    expect(m.orders.length).toBeGreaterThanOrEqual(6) // vip: orders_count >= 6
    expect(spend(ps, m.orders)).toBeGreaterThanOrEqual(VIP_SPEND) // vip: total_spent >= 2000 (before shipping)
    expect(VIP_SPEND).toBeGreaterThanOrEqual(2000)
    expect(Math.min(...m.orders.map((o) => o.daysAgo))).toBeLessThan(90) // not lapsed
    expect(Math.max(...m.orders.map((o) => o.daysAgo))).toBeLessThanOrEqual(180)

    const n = a.nonmember
    expect(n.orders).toHaveLength(2) // not a one-time buyer, not a repeat buyer (>= 3)
    expect(Math.min(...n.orders.map((o) => o.daysAgo))).toBeGreaterThan(90) // lapsed
    expect(spend(ps, n.orders) + 2 * 15).toBeLessThan(500) // not a big spender, even with express shipping
  })

  it("visitors: deterministic; 01 browses home products past the threshold, 02 does not; all within the last 7 days", () => {
    const ps = products(32)
    const plan = planVisitors(createRng(11), ps, NOW)
    expect(planVisitors(createRng(11), ps, NOW)).toEqual(plan)
    expect(plan.map((v) => v.visitor_id)).toEqual(Array.from({ length: manifest.visitors.count }, (_, i) => `demo-visitor-${String(i + 1).padStart(2, "0")}`))
    const homeViews = (id: string) => plan.find((v) => v.visitor_id === id)!.events.filter((e) => e.properties.category === HOME_CATEGORY).length
    expect(homeViews(manifest.visitors.browsingHome)).toBeGreaterThanOrEqual(3)
    expect(homeViews(manifest.visitors.notInSegment)).toBe(0)
    const inSegment = plan.filter((v) => homeViews(v.visitor_id) >= 3).length
    expect(inSegment).toBeGreaterThan(1)
    expect(inSegment).toBeLessThan(plan.length)
    for (const v of plan) {
      expect(new Set(v.events.map((e) => e.id)).size).toBe(v.events.length) // fixed, distinct client ids: a resend stores nothing twice
      for (const e of v.events) {
        const age = NOW.getTime() - new Date(e.occurred_at).getTime()
        expect(age).toBeGreaterThan(0)
        expect(age).toBeLessThan(7 * DAY)
        expect(ps.find((p) => p.id === e.properties.product_id)?.category).toBe(e.properties.category)
      }
    }
  })

  it("member prices: the four priciest products, 15% off, rounded", () => {
    const ps = products(32)
    const list = memberPriceProducts(ps)
    expect(list).toHaveLength(4)
    const cheapestListed = Math.min(...list.map((p) => p.variants[0].price))
    expect(ps.filter((p) => !list.includes(p)).every((p) => p.variants[0].price <= cheapestListed)).toBe(true)
    expect([memberPrice(200), memberPrice(99), memberPrice(1)]).toEqual([170, 84, 1])
  })
})
