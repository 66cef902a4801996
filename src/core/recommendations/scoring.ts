// Turning stored neighbours into a ranked list for a subject, and the fallbacks (popularity).

import type { SimilarityReason } from "./similarity"

export type RecommendationReason = SimilarityReason | "segment_bestseller" | "popular"

export type Edge = { product_id: string; neighbor_id: string; score: number; reason: SimilarityReason }

export type Seed = { product_id: string; weight: number }

export type Scored = { product_id: string; score: number; reason: RecommendationReason }

const byScoreThenId = (x: Scored, y: Scored) =>
  y.score - x.score || (x.product_id < y.product_id ? -1 : x.product_id > y.product_id ? 1 : 0)

/**
 * Sum over the seeds of seed weight × similarity; the reason is that of the largest single contribution.
 * Seeds and `exclude` never come back.
 */
export function scoreFromSeeds(seeds: readonly Seed[], edges: readonly Edge[], exclude: Iterable<string> = []): Scored[] {
  const weightOf = new Map<string, number>()
  for (const s of seeds) if (s.weight > 0) weightOf.set(s.product_id, Math.max(weightOf.get(s.product_id) ?? 0, s.weight))
  const banned = new Set<string>([...weightOf.keys(), ...exclude])
  const acc = new Map<string, { score: number; best: number; reason: SimilarityReason }>()
  for (const e of edges) {
    const w = weightOf.get(e.product_id)
    if (w === undefined || banned.has(e.neighbor_id) || !(e.score > 0)) continue
    const contribution = w * e.score
    const cur = acc.get(e.neighbor_id)
    if (!cur) acc.set(e.neighbor_id, { score: contribution, best: contribution, reason: e.reason })
    else {
      cur.score += contribution
      if (contribution > cur.best || (contribution === cur.best && e.reason === "bought_together")) {
        cur.best = contribution
        cur.reason = e.reason
      }
    }
  }
  return [...acc.entries()].map(([product_id, v]) => ({ product_id, score: v.score, reason: v.reason })).sort(byScoreThenId)
}

/**
 * "For you": neighbours of what the subject bought (weight 1) and viewed (`viewedWeight`), minus what they
 * bought. A product both bought and viewed counts as bought.
 */
export function forYou(
  history: { bought: readonly string[]; viewed: readonly string[] },
  edges: readonly Edge[],
  opts: { viewedWeight?: number } = {}
): Scored[] {
  const viewedWeight = opts.viewedWeight ?? 0.5
  const bought = new Set(history.bought)
  const seeds: Seed[] = [
    ...[...bought].map((product_id) => ({ product_id, weight: 1 })),
    ...history.viewed.filter((p) => !bought.has(p)).map((product_id) => ({ product_id, weight: viewedWeight })),
  ]
  return scoreFromSeeds(seeds, edges, bought)
}

/** Products by the number of baskets that contain them (ties by id). */
export function popularity(baskets: Iterable<{ items: readonly string[] }>): { product_id: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const b of baskets) for (const item of new Set(b.items)) if (item) counts.set(item, (counts.get(item) ?? 0) + 1)
  return [...counts.entries()]
    .map(([product_id, count]) => ({ product_id, count }))
    .sort((x, y) => y.count - x.count || (x.product_id < y.product_id ? -1 : 1))
}

/**
 * The first `limit` distinct products from the lists in order (primary first, then the fallbacks), skipping
 * `exclude` and anything `allowed` rejects.
 */
export function fill<L extends readonly (readonly { product_id: string }[])[]>(
  lists: L,
  limit: number,
  opts: { exclude?: Iterable<string>; allowed?: (productId: string) => boolean } = {}
): L[number][number][] {
  type T = L[number][number]
  const seen = new Set<string>(opts.exclude ?? [])
  const out: T[] = []
  for (const list of lists) {
    for (const item of list) {
      if (out.length >= limit) return out
      if (seen.has(item.product_id)) continue
      if (opts.allowed && !opts.allowed(item.product_id)) continue
      seen.add(item.product_id)
      out.push(item)
    }
  }
  return out
}
