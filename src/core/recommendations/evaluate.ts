// Offline quality on a time-based split: learn from the orders before a cutoff, predict what each
// customer bought after it, and compare our recommender with a popularity ("best sellers") baseline.

import { ndcgAtK, precisionAtK, recallAtK } from "./metrics"
import { fill, forYou, popularity, type Edge } from "./scoring"
import { buildSimilarity, type SimilarityOptions } from "./similarity"

export type DatedBasket = { subject: string; at: number; items: readonly string[] }

export type MetricSet = { precision: number; recall: number; ndcg: number }

export type OfflineReport = {
  k: number
  cutoff: string
  train_orders: number
  test_orders: number
  /** Customers with orders on both sides of the cutoff and something new to predict. */
  users_evaluated: number
  /** Test-period customers without a training order (cold starts) or with nothing new: not scored. */
  users_skipped: number
  /** Share of evaluated users for whom the neighbours alone produced at least one recommendation. */
  neighbor_coverage: number
  ours: MetricSet
  popularity: MetricSet
  /** ours − popularity, per metric. */
  margin: MetricSet
}

/** Orders strictly before `cutoff` train, the others test. */
export function timeSplit<T extends { at: number }>(baskets: readonly T[], cutoff: number): { train: T[]; test: T[] } {
  const train: T[] = []
  const test: T[] = []
  for (const b of baskets) (b.at < cutoff ? train : test).push(b)
  return { train, test }
}

export function indexEdges(edges: readonly Edge[]): Map<string, Edge[]> {
  const index = new Map<string, Edge[]>()
  for (const e of edges) {
    const list = index.get(e.product_id)
    if (list) list.push(e)
    else index.set(e.product_id, [e])
  }
  return index
}

export function evaluateOffline(
  orders: readonly DatedBasket[],
  opts: { cutoff: number; k: number; similarity: SimilarityOptions }
): OfflineReport {
  const { k } = opts
  const { train, test } = timeSplit(orders, opts.cutoff)
  const edges = indexEdges(buildSimilarity(train.map((o) => ({ kind: "purchase" as const, items: o.items })), opts.similarity))
  const popular = popularity(train)

  const history = new Map<string, Set<string>>()
  for (const o of train) for (const item of o.items) add(history, o.subject, item)
  const future = new Map<string, Set<string>>()
  for (const o of test) for (const item of o.items) add(future, o.subject, item)

  const sums = { ours: zero(), popularity: zero() }
  let evaluated = 0
  let skipped = 0
  let covered = 0
  for (const subject of [...future.keys()].sort()) {
    const bought = history.get(subject)
    const relevant = new Set([...future.get(subject)!].filter((p) => !bought?.has(p)))
    if (!bought?.size || !relevant.size) {
      skipped++
      continue
    }
    evaluated++
    const seedEdges = [...bought].flatMap((p) => edges.get(p) ?? [])
    const neighbors = forYou({ bought: [...bought], viewed: [] }, seedEdges)
    if (neighbors.length) covered++
    // As served: neighbours first, then the store's best sellers; never what they already bought.
    const ours = fill([neighbors, popular], k, { exclude: bought }).map((r) => r.product_id)
    const baseline = fill([popular], k, { exclude: bought }).map((r) => r.product_id)
    accumulate(sums.ours, ours, relevant, k)
    accumulate(sums.popularity, baseline, relevant, k)
  }
  const mean = (s: MetricSet): MetricSet =>
    evaluated
      ? { precision: s.precision / evaluated, recall: s.recall / evaluated, ndcg: s.ndcg / evaluated }
      : zero()
  const ours = mean(sums.ours)
  const pop = mean(sums.popularity)
  return {
    k,
    cutoff: new Date(opts.cutoff).toISOString(),
    train_orders: train.length,
    test_orders: test.length,
    users_evaluated: evaluated,
    users_skipped: skipped,
    neighbor_coverage: evaluated ? covered / evaluated : 0,
    ours,
    popularity: pop,
    margin: { precision: ours.precision - pop.precision, recall: ours.recall - pop.recall, ndcg: ours.ndcg - pop.ndcg },
  }
}

function add(map: Map<string, Set<string>>, key: string, value: string) {
  const set = map.get(key)
  if (set) set.add(value)
  else map.set(key, new Set([value]))
}

function zero(): MetricSet {
  return { precision: 0, recall: 0, ndcg: 0 }
}

function accumulate(sum: MetricSet, recommended: string[], relevant: Set<string>, k: number) {
  sum.precision += precisionAtK(recommended, relevant, k)
  sum.recall += recallAtK(recommended, relevant, k)
  sum.ndcg += ndcgAtK(recommended, relevant, k)
}
