/**
 * Micro-benchmark of the recommendations core (not a test; no assertions). Run:
 *   npm run bench:recommendations [-- --orders 100000 --products 5000]
 * Times one similarity build (co-occurrence + cosine + top-20) over synthetic orders with a family structure,
 * the offline evaluation over the same orders, and for-you scoring for one customer.
 */
import os from "node:os"
import { buildSimilarity, evaluateOffline, forYou, indexEdges, type Basket } from "../src/core/recommendations"

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const ORDERS = arg("orders", 100_000)
const PRODUCTS = arg("products", 5_000)
const CUSTOMERS = Math.max(1, Math.round(ORDERS / 4))
const DAY = 86_400_000
const NOW = Date.UTC(2026, 10, 26)

// deterministic PRNG (mulberry32)
let a = 20261126
const rnd = () => {
  a = (a + 0x6d2b79f5) >>> 0
  let t = a
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const int = (n: number) => Math.floor(rnd() * n)
// skewed popularity: product index ~ n * u^2
const popular = () => Math.floor(PRODUCTS * rnd() * rnd())

const orders = Array.from({ length: ORDERS }, () => {
  const customer = int(CUSTOMERS)
  const family = (customer * 7919) % Math.floor(PRODUCTS / 3)
  const items = new Set<string>()
  const size = 1 + int(4)
  const anchor = rnd() < 0.7 ? family * 3 + int(3) : popular()
  items.add(`p${anchor}`)
  if (rnd() < 0.6) items.add(`p${Math.floor(anchor / 3) * 3 + int(3)}`)
  while (items.size < size) items.add(`p${popular()}`)
  return { subject: `c${customer}`, at: NOW - rnd() * 180 * DAY, items: [...items] }
})

function time<T>(name: string, fn: () => T): T {
  const start = process.hrtime.bigint()
  const out = fn()
  const ms = Number(process.hrtime.bigint() - start) / 1e6
  console.log(`${name.padEnd(60)} ${ms.toFixed(0).padStart(8)} ms`)
  return out
}

console.log(`node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model}); ${ORDERS} orders, ${PRODUCTS} products, ${CUSTOMERS} customers`)
const options = { metric: "cosine" as const, topK: 20, minSupport: 2 }
const baskets: Basket[] = orders.map((o) => ({ kind: "purchase", items: o.items }))
const rows = time("buildSimilarity (count, score, top-20 per product)", () => buildSimilarity(baskets, options))
console.log(`  → ${rows.length} neighbour rows for ${new Set(rows.map((r) => r.product_id)).size} products`)
const index = indexEdges(rows)
const history = orders.filter((o) => o.subject === "c1").flatMap((o) => o.items)
const seedEdges = history.flatMap((p) => index.get(p) ?? [])
time("forYou for one customer × 10,000", () => {
  for (let i = 0; i < 10_000; i++) forYou({ bought: history, viewed: [] }, seedEdges)
})
const report = time("evaluateOffline (30-day split, k=10)", () =>
  evaluateOffline(orders, { cutoff: NOW - 30 * DAY, k: 10, similarity: options })
)
console.log(`  → users ${report.users_evaluated}, NDCG@10 ours ${report.ours.ndcg.toFixed(3)} vs best sellers ${report.popularity.ndcg.toFixed(3)}`)
console.log(`peak RSS ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`)
