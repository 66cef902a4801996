/**
 * "Discover segments": k-means on standardized RFM, each cluster described in words from its centroid and
 * turned into a rule of the rule language.
 *
 * Features per customer with orders: recency (days since the last order), frequency (orders), monetary (spent).
 * All three are right-skewed (a few big spenders would otherwise own every cluster), so they are clustered as
 * z-scores of log(1 + x). Descriptions and rules go back to the features' own units.
 *
 * From centroids to words: on each feature, the clusters' centroids are grouped into levels (centroids closer
 * than LEVEL_GAP standard deviations are one level — two clusters that spend alike are not split on spend); the
 * boundary between adjacent levels is the midpoint of their centroids, which is where k-means itself draws the
 * line along that axis. A cluster's condition on a feature is the interval of its level: only a lower bound for
 * the top level ("spent ≥ €420"), only an upper bound for the bottom one ("last order ≤ 21 days ago"), both in
 * between. A feature with a single level does not tell the clusters apart and is left out. Thresholds are rounded
 * to readable numbers (money to two significant digits, days and orders to integers). The rule is the AND of the
 * conditions (plus orders_count >= 1: clusters only hold customers with orders), and how well it reproduces its
 * cluster is reported (recall: share of the cluster the rule matches; precision: share of the matches in it).
 */
import type { Rule, TraitCondition } from "../rules/ast"
import { format } from "../rules/format"
import { clusterWithBestK, type ClusterOptions, type KCandidate } from "./kmeans"
import { fitStandardizer, standardizeRow, unstandardize } from "./standardize"

export const LEVEL_GAP = 0.5

export interface RfmPoint {
  /** Days since the last order (may be fractional). */
  recency_days: number
  orders: number
  /** Amount spent in the store currency (a number: clustering does not need exact decimals). */
  spent: number
}

export interface Bounds {
  /** Inclusive lower bound (orders, spent) / "more than N days ago" (recency). */
  min?: number
  /** Exclusive upper bound for spent, inclusive for orders and recency ("at most N days ago"). */
  max?: number
}

export interface DiscoveredCluster {
  index: number
  size: number
  share: number
  silhouette: number
  /** The centroid in the features' own units (back from the log scale, rounded). */
  centroid: { recency_days: number; orders: number; spent: number }
  bounds: { recency_days?: Bounds; orders?: Bounds; spent?: Bounds }
  description: string
  rule: Rule
  rule_text: string
  /** Customers the rule matches among those clustered. */
  rule_matches: number
  /** Share of this cluster the rule matches. */
  rule_recall: number
  /** Share of the rule's matches that are in this cluster (0 when it matches nobody). */
  rule_precision: number
}

export interface Discovery {
  k: number
  silhouette: number
  customers: number
  candidates: KCandidate[]
  silhouette_sample: number
  clusters: DiscoveredCluster[]
}

export type DiscoverOptions = ClusterOptions & { currency?: string; locale?: string }

const FEATURES = ["recency_days", "orders", "spent"] as const
type Feature = (typeof FEATURES)[number]

const transform = (p: RfmPoint) => [Math.log1p(Math.max(0, p.recency_days)), Math.log1p(Math.max(0, p.orders)), Math.log1p(Math.max(0, p.spent))]

/** null when the data cannot form two clusters (fewer than three customers or fewer than two distinct ones). */
export function discoverRfmClusters(points: readonly RfmPoint[], opts: DiscoverOptions = {}): Discovery | null {
  for (const p of points) {
    if (![p.recency_days, p.orders, p.spent].every(Number.isFinite)) throw new RangeError("recency_days, orders and spent must be finite numbers")
  }
  if (points.length < 3) return null
  const logged = points.map(transform)
  const std = fitStandardizer(logged)
  const z = logged.map((r) => standardizeRow(std, r))
  const clustering = clusterWithBestK(z, opts)
  if (!clustering) return null
  const { k, labels, centroids, sizes } = clustering
  const back = (j: number, zv: number) => Math.expm1(unstandardize(std, j, zv))

  // Levels and boundaries per feature, in standardized units.
  const intervals: Array<Array<{ lo?: number; hi?: number } | null>> = FEATURES.map((_, j) => {
    const order = centroids.map((c, i) => ({ i, v: c[j] })).sort((a, b) => a.v - b.v)
    const levels: { i: number; v: number }[][] = []
    for (const item of order) {
      const last = levels[levels.length - 1]
      if (last && item.v - last[last.length - 1].v < LEVEL_GAP) last.push(item)
      else levels.push([item])
    }
    const out = new Array<{ lo?: number; hi?: number } | null>(k).fill(null)
    if (levels.length < 2) return out
    levels.forEach((level, l) => {
      const lo = l > 0 ? (levels[l - 1][levels[l - 1].length - 1].v + level[0].v) / 2 : undefined
      const hi = l < levels.length - 1 ? (level[level.length - 1].v + levels[l + 1][0].v) / 2 : undefined
      for (const { i } of level) out[i] = { lo, hi }
    })
    return out
  })

  const money = moneyFormatter(opts.currency ?? "eur", opts.locale ?? "en")
  const clusters = centroids.map((c, i) => {
    const bounds: DiscoveredCluster["bounds"] = {}
    FEATURES.forEach((f, j) => {
      const iv = intervals[j][i]
      if (!iv) return
      const b = roundBounds(f, iv.lo === undefined ? undefined : back(j, iv.lo), iv.hi === undefined ? undefined : back(j, iv.hi))
      if (b) bounds[f] = b
    })
    const rule = toRule(bounds)
    const members = labels.map((l, p) => (l === i ? p : -1)).filter((p) => p >= 0)
    const matched = points.map((p) => matches(bounds, p))
    const matchCount = matched.filter(Boolean).length
    const hits = members.filter((p) => matched[p]).length
    return {
      index: i,
      size: sizes[i],
      share: sizes[i] / points.length,
      silhouette: clustering.clusterSilhouettes[i] ?? 0,
      centroid: {
        recency_days: Math.round(back(0, c[0])),
        orders: Math.round(back(1, c[1]) * 10) / 10,
        spent: Math.round(back(2, c[2]) * 100) / 100,
      },
      bounds,
      description: describe(bounds, money),
      rule,
      rule_text: format(rule),
      rule_matches: matchCount,
      rule_recall: sizes[i] ? hits / sizes[i] : 0,
      rule_precision: matchCount ? hits / matchCount : 0,
    }
  })
  // Stable, meaningful order: biggest spenders first, then most orders, then most recent.
  clusters.sort((a, b) => b.centroid.spent - a.centroid.spent || b.centroid.orders - a.centroid.orders || a.centroid.recency_days - b.centroid.recency_days)
  clusters.forEach((c, i) => (c.index = i))
  return {
    k,
    silhouette: clustering.silhouette,
    customers: points.length,
    candidates: clustering.candidates,
    silhouette_sample: clustering.silhouetteSample,
    clusters,
  }
}

/** Two significant digits for money ≥ 10 (423.7 → 420), whole units below. */
export function niceMoney(x: number): number {
  if (x < 10) return Math.max(0, Math.round(x))
  const magnitude = 10 ** (Math.floor(Math.log10(x)) - 1)
  return Math.round(x / magnitude) * magnitude
}

function roundBounds(f: Feature, lo: number | undefined, hi: number | undefined): Bounds | null {
  if (f === "spent") {
    const min = lo === undefined ? undefined : niceMoney(lo)
    const max = hi === undefined ? undefined : niceMoney(hi)
    if (min !== undefined && max !== undefined && min >= max) return null
    if (min === 0 && max === undefined) return null
    return { ...(min !== undefined && min > 0 ? { min } : {}), ...(max !== undefined ? { max } : {}) }
  }
  if (f === "orders") {
    const min = lo === undefined ? 1 : Math.max(1, Math.ceil(lo))
    const max = hi === undefined ? undefined : Math.ceil(hi) - 1
    if (max !== undefined && max < min) return null
    if (min === 1 && max === undefined) return null
    return { ...(min > 1 ? { min } : {}), ...(max !== undefined ? { max } : {}) }
  }
  // recency_days
  const min = lo === undefined ? undefined : Math.max(1, Math.round(lo))
  const max = hi === undefined ? undefined : Math.max(1, Math.round(hi))
  if (min !== undefined && max !== undefined && min >= max) return null
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) }
}

function toRule(bounds: DiscoveredCluster["bounds"]): Rule {
  const conditions: TraitCondition[] = []
  const s = bounds.spent
  if (s?.min !== undefined) conditions.push({ type: "trait", trait: "total_spent", op: ">=", value: s.min })
  if (s?.max !== undefined) conditions.push({ type: "trait", trait: "total_spent", op: "<", value: s.max })
  const o = bounds.orders
  conditions.push({ type: "trait", trait: "orders_count", op: ">=", value: o?.min ?? 1 })
  if (o?.max !== undefined) conditions.push({ type: "trait", trait: "orders_count", op: "<=", value: o.max })
  const r = bounds.recency_days
  // "last order more than N days ago" / "at most N days ago"
  if (r?.min !== undefined) conditions.push({ type: "trait", trait: "last_order_at", op: "<", value: { relative: `-${r.min}d` } })
  if (r?.max !== undefined) conditions.push({ type: "trait", trait: "last_order_at", op: ">=", value: { relative: `-${r.max}d` } })
  return conditions.length === 1 ? conditions[0] : { type: "and", rules: conditions }
}

/** The rule's meaning on the clustered points (same thresholds, exact recency in days). */
function matches(bounds: DiscoveredCluster["bounds"], p: RfmPoint): boolean {
  const { spent: s, orders: o, recency_days: r } = bounds
  if (s?.min !== undefined && !(p.spent >= s.min)) return false
  if (s?.max !== undefined && !(p.spent < s.max)) return false
  if (!(p.orders >= (o?.min ?? 1))) return false
  if (o?.max !== undefined && !(p.orders <= o.max)) return false
  if (r?.min !== undefined && !(p.recency_days > r.min)) return false
  if (r?.max !== undefined && !(p.recency_days <= r.max)) return false
  return true
}

function describe(bounds: DiscoveredCluster["bounds"], money: (n: number) => string): string {
  const parts: string[] = []
  const s = bounds.spent
  if (s) {
    if (s.min !== undefined && s.max !== undefined) parts.push(`spent ${money(s.min)}–${money(s.max)}`)
    else if (s.min !== undefined) parts.push(`spent ≥ ${money(s.min)}`)
    else if (s.max !== undefined) parts.push(`spent < ${money(s.max)}`)
  }
  const o = bounds.orders
  if (o) {
    const times = (n: number) => (n === 1 ? "once" : n === 2 ? "twice" : `${n} times`)
    if (o.min !== undefined && o.max !== undefined) parts.push(o.min === o.max ? `ordered ${times(o.min)}` : `ordered ${o.min}–${o.max} times`)
    else if (o.min !== undefined) parts.push(`ordered ${o.min}+ times`)
    else if (o.max !== undefined) parts.push(o.max === 1 ? "ordered once" : `ordered at most ${o.max} times`)
  }
  const r = bounds.recency_days
  if (r) {
    if (r.min !== undefined && r.max !== undefined) parts.push(`last order ${r.min}–${r.max} days ago`)
    else if (r.min !== undefined) parts.push(`last order > ${r.min} days ago`)
    else if (r.max !== undefined) parts.push(`last order ≤ ${r.max} days ago`)
  }
  return parts.length ? parts.join(", ") : "customers with orders"
}

function moneyFormatter(currency: string, locale: string): (n: number) => string {
  try {
    const f = new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase(), maximumFractionDigits: 0 })
    return (n) => f.format(n)
  } catch {
    return (n) => `${n} ${currency.toUpperCase()}`
  }
}
