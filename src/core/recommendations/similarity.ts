// Item-item similarity from co-occurrence: purchases (orders) and, when consented, behaviour (co-views,
// co-carts) with a lower weight. Pure: no Medusa import, no I/O.

export type Metric = "cosine" | "lift"
export type SimilarityReason = "bought_together" | "viewed_together"
export type BasketKind = "purchase" | "view" | "cart"

/** One co-occurrence context: an order, a browsing session, a cart. Duplicate items count once. */
export type Basket = { kind: BasketKind; items: readonly string[] }

export type SimilarityWeights = { purchase: number; view: number; cart: number }

export type SimilarityOptions = {
  metric: Metric
  /** Neighbours kept per product. */
  topK: number
  /** Minimum number of baskets (of any kind) in which the pair occurs together. */
  minSupport: number
  weights?: Partial<SimilarityWeights>
  /** Baskets with more distinct items are cut to their first `maxBasketSize` (n² pairs per basket). */
  maxBasketSize?: number
}

export const DEFAULT_WEIGHTS: SimilarityWeights = { purchase: 1, view: 0.25, cart: 0.5 }
export const DEFAULT_MAX_BASKET_SIZE = 50

export type PairCount = {
  a: string
  b: string
  /** Weighted co-occurrence. */
  weight: number
  /** Baskets in which both occur (unweighted). */
  support: number
  /** The part of `weight` that came from purchases. */
  purchaseWeight: number
}

export type Cooccurrence = {
  /** Weighted number of baskets (all of them, also single-item ones). */
  total: number
  /** Weighted number of baskets containing each item. */
  items: Map<string, number>
  /** Pairs with a < b. */
  pairs: Map<string, PairCount>
}

export type Neighbor = {
  product_id: string
  neighbor_id: string
  score: number
  support: number
  reason: SimilarityReason
  /** 1 = most similar. */
  rank: number
}

const SEP = "\u0000"

function distinct(items: readonly string[], max: number): string[] {
  const seen = new Set<string>()
  for (const item of items) {
    if (seen.size >= max) break
    if (item) seen.add(item)
  }
  return [...seen]
}

export function countCooccurrence(
  baskets: Iterable<Basket>,
  opts: { weights?: Partial<SimilarityWeights>; maxBasketSize?: number } = {}
): Cooccurrence {
  const weights = { ...DEFAULT_WEIGHTS, ...opts.weights }
  const max = opts.maxBasketSize ?? DEFAULT_MAX_BASKET_SIZE
  const items = new Map<string, number>()
  const pairs = new Map<string, PairCount>()
  let total = 0
  for (const basket of baskets) {
    const w = weights[basket.kind]
    if (!(w > 0)) continue
    const unique = distinct(basket.items, max).sort()
    if (!unique.length) continue
    total += w
    for (const item of unique) items.set(item, (items.get(item) ?? 0) + w)
    for (let i = 0; i < unique.length; i++) {
      for (let j = i + 1; j < unique.length; j++) {
        const key = unique[i] + SEP + unique[j]
        let pair = pairs.get(key)
        if (!pair) {
          pair = { a: unique[i], b: unique[j], weight: 0, support: 0, purchaseWeight: 0 }
          pairs.set(key, pair)
        }
        pair.weight += w
        pair.support += 1
        if (basket.kind === "purchase") pair.purchaseWeight += w
      }
    }
  }
  return { total, items, pairs }
}

/**
 * cosine(a, b) = w(a,b) / sqrt(n(a)·n(b)), in (0, 1];
 * lift(a, b)   = w(a,b)·N / (n(a)·n(b)): how much more often they occur together than if independent.
 */
export function pairScore(metric: Metric, pair: PairCount, counts: Cooccurrence): number {
  const na = counts.items.get(pair.a) ?? 0
  const nb = counts.items.get(pair.b) ?? 0
  if (na <= 0 || nb <= 0) return 0
  return metric === "cosine" ? pair.weight / Math.sqrt(na * nb) : (pair.weight * counts.total) / (na * nb)
}

export function pairReason(pair: PairCount): SimilarityReason {
  // The larger share of the evidence names the reason: purchases beat an equal amount of browsing.
  return pair.purchaseWeight >= pair.weight - pair.purchaseWeight ? "bought_together" : "viewed_together"
}

/** Keeps, per product, the `topK` best neighbours (score, then support, then id — deterministic). */
export function topNeighbors(counts: Cooccurrence, opts: Pick<SimilarityOptions, "metric" | "topK" | "minSupport">): Neighbor[] {
  const byProduct = new Map<string, Omit<Neighbor, "rank">[]>()
  const push = (row: Omit<Neighbor, "rank">) => {
    const list = byProduct.get(row.product_id)
    if (list) list.push(row)
    else byProduct.set(row.product_id, [row])
  }
  for (const pair of counts.pairs.values()) {
    if (pair.support < opts.minSupport) continue
    const score = pairScore(opts.metric, pair, counts)
    if (!(score > 0) || !Number.isFinite(score)) continue
    const reason = pairReason(pair)
    push({ product_id: pair.a, neighbor_id: pair.b, score, support: pair.support, reason })
    push({ product_id: pair.b, neighbor_id: pair.a, score, support: pair.support, reason })
  }
  const out: Neighbor[] = []
  for (const product of [...byProduct.keys()].sort()) {
    const list = byProduct.get(product)!
    list.sort(compareNeighbors)
    list.slice(0, opts.topK).forEach((n, i) => out.push({ ...n, rank: i + 1 }))
  }
  return out
}

function compareNeighbors(x: Omit<Neighbor, "rank">, y: Omit<Neighbor, "rank">): number {
  return y.score - x.score || y.support - x.support || (x.neighbor_id < y.neighbor_id ? -1 : x.neighbor_id > y.neighbor_id ? 1 : 0)
}

/** Co-occurrence → scores → top-K per product. */
export function buildSimilarity(baskets: Iterable<Basket>, opts: SimilarityOptions): Neighbor[] {
  const counts = countCooccurrence(baskets, { weights: opts.weights, maxBasketSize: opts.maxBasketSize })
  return topNeighbors(counts, opts)
}

export type TimedInteraction = { subject: string; item: string; at: number }

/**
 * Groups one kind of interaction (e.g. product views) into sessions: per subject, a gap longer than `gapMs`
 * starts a new session. Sessions with fewer than two distinct items carry no co-occurrence and are dropped
 * unless `keepSingles`.
 */
export function sessionize(
  interactions: readonly TimedInteraction[],
  kind: BasketKind,
  gapMs: number,
  opts: { keepSingles?: boolean } = {}
): Basket[] {
  const bySubject = new Map<string, TimedInteraction[]>()
  for (const i of interactions) {
    const list = bySubject.get(i.subject)
    if (list) list.push(i)
    else bySubject.set(i.subject, [i])
  }
  const baskets: Basket[] = []
  const flush = (items: string[]) => {
    const unique = [...new Set(items)]
    if (unique.length >= 2 || (opts.keepSingles && unique.length === 1)) baskets.push({ kind, items: unique })
  }
  for (const subject of [...bySubject.keys()].sort()) {
    const list = bySubject.get(subject)!.slice().sort((x, y) => x.at - y.at)
    let current: string[] = []
    let last = -Infinity
    for (const i of list) {
      if (i.at - last > gapMs && current.length) {
        flush(current)
        current = []
      }
      current.push(i.item)
      last = i.at
    }
    if (current.length) flush(current)
  }
  return baskets
}
