// The demo store's planned orders (exactly what seedDemoStore writes, before any database) scored offline:
// our recommender must beat the best-seller baseline on them. Pure: the seed's planners and the core only.
import { buildCatalog } from "../../../scripts/demo/catalog"
import { planCustomers } from "../../../scripts/demo/people"
import { createRng } from "../../../scripts/demo/prng"
import { evaluateOffline } from "../../../core/recommendations"
import { parsePluginOptions } from "../../../modules/personalization/options"
import { similarityOptionsOf } from "../build"

const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 26)

function demoOrders(customers: number, products: number, seed = 42) {
  const rng = createRng(seed)
  const catalog = buildCatalog(rng, products)
  const people = planCustomers(rng, customers, {
    variantCounts: catalog.map((p) => p.variants.length),
    prices: catalog.map((p) => p.variants[0].price),
    categories: catalog.map((p) => p.category),
  })
  return people.flatMap((p) =>
    p.orders.map((o) => ({ subject: p.email, at: NOW - o.daysAgo * DAY, items: o.lines.map((l) => catalog[l.productIndex].handle) }))
  )
}

describe("offline quality on the demo store's orders", () => {
  const similarity = similarityOptionsOf(parsePluginOptions({}).recommendations)

  it.each([
    [200, 32, 10], // npm run dev, as in docs/benchmarks.md
    [100, 20, 5], // the recommendations integration suite (k=5: ten of twenty products would be half the shop)
  ])("ours beats best sellers on P@k, R@k and NDCG@k (%i customers, %i products, k=%i, last 30 days held out)", (customers, products, k) => {
    const report = evaluateOffline(demoOrders(customers, products), { cutoff: NOW - 30 * DAY, k, similarity })
    console.log(`demo ${customers}x${products}: ${JSON.stringify(report)}`)
    expect(report.users_evaluated).toBeGreaterThan(10)
    expect(report.ours.ndcg).toBeGreaterThan(report.popularity.ndcg)
    expect(report.ours.precision).toBeGreaterThan(report.popularity.precision)
    expect(report.ours.recall).toBeGreaterThan(report.popularity.recall)
  })
})
