import { clusterWithBestK, distinctCount } from "../kmeans"
import { discoverRfmClusters, niceMoney, type RfmPoint } from "../rfm-clusters"
import { churnFeatures, CHURN_FEATURES, fnv1a, splitHoldout, trainChurnModel, type ChurnExample } from "../churn"
import { predictProbability } from "../logistic"
import { defaultCatalog, evaluate, parse, validateRule } from "../../rules"
import { subjectFromProfileRow } from "../../rules/subject"

// A small deterministic PRNG for test data (mulberry32).
function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe("clusterWithBestK", () => {
  it("finds the obvious k on well-separated blobs, deterministically", () => {
    const r = rng(1)
    const centers = [[0, 0], [10, 0], [0, 10]]
    const points = centers.flatMap((c) => Array.from({ length: 30 }, () => [c[0] + r(), c[1] + r()]))
    const a = clusterWithBestK(points)!
    const b = clusterWithBestK(points)!
    expect(a.k).toBe(3)
    expect(a.silhouette).toBeGreaterThan(0.8)
    expect(a.labels).toEqual(b.labels)
    expect(a.sizes.sort()).toEqual([30, 30, 30])
    expect(a.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8])
    // every blob is one cluster
    for (let c = 0; c < 3; c++) expect(new Set(a.labels.slice(c * 30, c * 30 + 30)).size).toBe(1)
  })

  it("bounds k by the data: distinct points and n − 1; null when two clusters are impossible", () => {
    expect(clusterWithBestK([[1], [1], [1], [1]])).toBeNull() // one distinct point
    expect(clusterWithBestK([[1], [2]])).toBeNull() // n − 1 = 1
    const three = clusterWithBestK([[0], [0], [5], [5], [9]])!
    expect(three.candidates.map((c) => c.k)).toEqual([2, 3])
    expect(distinctCount([[0], [0], [5]])).toBe(2)
  })

  it("honours a forced k and samples the silhouette of large inputs", () => {
    const r = rng(7)
    const points = Array.from({ length: 300 }, () => [r(), r()])
    const forced = clusterWithBestK(points, { k: 4, maxSilhouetteSample: 100 })!
    expect(forced.k).toBe(4)
    expect(forced.silhouetteSample).toBe(100)
    expect(forced.candidates).toHaveLength(1)
  })
})

describe("discoverRfmClusters", () => {
  // Three kinds of customer: recent big spenders, lapsed one-timers, and a middle group.
  function shop(): RfmPoint[] {
    const r = rng(3)
    const vip = Array.from({ length: 20 }, () => ({ recency_days: 2 + r() * 12, orders: 6 + Math.floor(r() * 5), spent: 500 + r() * 300 }))
    const lapsed = Array.from({ length: 30 }, () => ({ recency_days: 120 + r() * 60, orders: 1, spent: 20 + r() * 30 }))
    const middle = Array.from({ length: 25 }, () => ({ recency_days: 30 + r() * 30, orders: 2 + Math.floor(r() * 2), spent: 120 + r() * 80 }))
    return [...vip, ...lapsed, ...middle]
  }

  it("separates the kinds and describes each in words from its centroid", () => {
    const d = discoverRfmClusters(shop(), { currency: "eur" })!
    expect(d.k).toBe(3)
    expect(d.customers).toBe(75)
    expect(d.clusters.map((c) => c.size)).toEqual([20, 25, 30]) // biggest spenders first
    const [vip, middle, lapsed] = d.clusters
    expect(vip.description).toMatch(/^spent ≥ €\d+, ordered \d\+ times, last order ≤ \d+ days ago$/)
    expect(lapsed.description).toMatch(/^spent < €\d+, ordered once, last order > \d+ days ago$/)
    expect(middle.description).toMatch(/spent €\d+–€\d+/)
    for (const c of d.clusters) {
      expect(c.rule_recall).toBe(1)
      expect(c.rule_precision).toBe(1)
      expect(c.silhouette).toBeGreaterThan(0.5)
    }
    expect(vip.centroid.spent).toBeGreaterThan(500)
  })

  it("turns a cluster into a valid rule whose evaluation matches the cluster on real profile rows", () => {
    const points = shop()
    const now = new Date("2026-06-01T00:00:00Z")
    const d = discoverRfmClusters(points)!
    for (const cluster of d.clusters) {
      const checked = validateRule(cluster.rule, defaultCatalog)
      expect(checked.ok).toBe(true)
      expect(parse(cluster.rule_text)).toEqual(cluster.rule)
      const matching = points.filter((p) => {
        const subject = subjectFromProfileRow(
          {
            orders_count: p.orders,
            total_spent: String(p.spent),
            last_order_at: new Date(now.getTime() - p.recency_days * 86_400_000),
          },
          { events: [], segments: [] },
          defaultCatalog
        )
        return evaluate(cluster.rule, subject, now).match
      })
      expect(matching.length).toBe(cluster.rule_matches)
    }
  })

  it("leaves out a feature that does not tell clusters apart (zero variance)", () => {
    const r = rng(5)
    const points = [
      ...Array.from({ length: 20 }, () => ({ recency_days: 3 + r() * 5, orders: 2, spent: 50 })),
      ...Array.from({ length: 20 }, () => ({ recency_days: 150 + r() * 20, orders: 2, spent: 50 })),
    ]
    const d = discoverRfmClusters(points)!
    expect(d.k).toBe(2)
    for (const c of d.clusters) {
      expect(c.bounds.spent).toBeUndefined()
      expect(c.bounds.orders).toBeUndefined()
      expect(c.description).toMatch(/^last order/)
      expect(c.rule_text).toContain("orders_count >= 1")
    }
  })

  it("returns null for one customer, all-equal customers, or two", () => {
    expect(discoverRfmClusters([{ recency_days: 3, orders: 1, spent: 10 }])).toBeNull()
    expect(discoverRfmClusters(Array.from({ length: 10 }, () => ({ recency_days: 3, orders: 1, spent: 10 })))).toBeNull()
    expect(discoverRfmClusters([{ recency_days: 3, orders: 1, spent: 10 }, { recency_days: 30, orders: 2, spent: 99 }])).toBeNull()
  })

  it("rounds money to two significant digits", () => {
    expect(niceMoney(423.7)).toBe(420)
    expect(niceMoney(1267)).toBe(1300)
    expect(niceMoney(37.2)).toBe(37)
    expect(niceMoney(4.4)).toBe(4)
  })
})

describe("churn", () => {
  const asOf = new Date("2026-06-01T00:00:00Z")
  const daysAgo = (d: number) => new Date(asOf.getTime() - d * 86_400_000)

  it("builds the feature row from traits as of a date (log scale for skewed features)", () => {
    const f = churnFeatures({ orders_count: 3, total_spent: "120.50", last_order_at: daysAgo(10), first_order_at: daysAgo(100), abandonment_rate: 0.25 }, asOf)!
    expect(f).toHaveLength(CHURN_FEATURES.length)
    expect(f[0]).toBeCloseTo(Math.log1p(10), 12)
    expect(f[1]).toBeCloseTo(Math.log1p(3), 12)
    expect(f[2]).toBeCloseTo(Math.log1p(120.5), 12)
    expect(f[3]).toBe(0.25)
    expect(f[4]).toBeCloseTo(Math.log1p(100), 12)
    expect(churnFeatures({ orders_count: 0, total_spent: 0, last_order_at: null, first_order_at: null, abandonment_rate: 0 }, asOf)).toBeNull()
  })

  it("splits a stratified, stable holdout", () => {
    const ex = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, churned: i % 4 === 0 }))
    const a = splitHoldout(ex, 0.3)
    const b = splitHoldout([...ex].reverse(), 0.3)
    expect(a.holdout.map((e) => e.id).sort()).toEqual(b.holdout.map((e) => e.id).sort())
    expect(a.holdout.filter((e) => e.churned)).toHaveLength(8) // round(25 × 0.3)
    expect(a.holdout.filter((e) => !e.churned)).toHaveLength(23) // round(75 × 0.3)
    expect(fnv1a("a")).toBe(0xe40c292c) // published FNV-1a 32-bit test vector
  })

  it("learns that long-inactive customers churn, with a holdout AUC well above chance", () => {
    const r = rng(11)
    const examples: ChurnExample[] = Array.from({ length: 200 }, (_, i) => {
      const recency = r() * 180
      const orders = 1 + Math.floor(r() * 8)
      const churned = r() < 1 / (1 + Math.exp(-(recency / 30 - 3 - 0.3 * orders)))
      const traits = { orders_count: orders, total_spent: orders * 40, last_order_at: daysAgo(recency), first_order_at: daysAgo(recency + 30), abandonment_rate: r() * 0.5 }
      return { id: `cus_${i}`, features: churnFeatures(traits, asOf)!, churned }
    })
    const t = trainChurnModel(examples)
    if (t.status !== "trained") throw new Error(t.reason)
    expect(t.auc).toBeGreaterThan(0.75)
    expect(t.train_size + t.holdout_size).toBe(200)
    expect(t.model.coefficients[0]).toBeGreaterThan(0) // recency raises risk
    const fresh = predictProbability(t.model, churnFeatures({ orders_count: 6, total_spent: 240, last_order_at: daysAgo(2), first_order_at: daysAgo(90), abandonment_rate: 0 }, asOf)!)
    const stale = predictProbability(t.model, churnFeatures({ orders_count: 1, total_spent: 40, last_order_at: daysAgo(170), first_order_at: daysAgo(170), abandonment_rate: 0 }, asOf)!)
    expect(stale).toBeGreaterThan(fresh)
  })

  it("says insufficient_data instead of inventing a model", () => {
    const few = Array.from({ length: 10 }, (_, i) => ({ id: `c${i}`, features: [i, 1, 1, 0, 1], churned: i % 2 === 0 }))
    const t1 = trainChurnModel(few)
    expect(t1).toMatchObject({ status: "insufficient_data", customers: 10 })
    const oneClass = Array.from({ length: 100 }, (_, i) => ({ id: `c${i}`, features: [i, 1, 1, 0, 1], churned: i < 3 }))
    const t2 = trainChurnModel(oneClass)
    expect(t2).toMatchObject({ status: "insufficient_data", churned: 3, retained: 97 })
    if (t2.status === "insufficient_data") expect(t2.reason).toMatch(/at least 8 of each/)
  })
})
