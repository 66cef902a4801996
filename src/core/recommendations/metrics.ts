// Offline ranking metrics with binary relevance.

/** Hits in the first k recommendations, divided by k (a short list is not rewarded for being short). */
export function precisionAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (k <= 0) throw new RangeError("k must be positive")
  return hits(recommended, relevant, k) / k
}

/** Hits in the first k, divided by the number of relevant items (0 when nothing is relevant). */
export function recallAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (k <= 0) throw new RangeError("k must be positive")
  return relevant.size ? hits(recommended, relevant, k) / relevant.size : 0
}

/** DCG@k / ideal DCG@k, with gain 1/log2(rank + 1) per hit; 0 when nothing is relevant. */
export function ndcgAtK(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (k <= 0) throw new RangeError("k must be positive")
  if (!relevant.size) return 0
  let dcg = 0
  const seen = new Set<string>()
  recommended.slice(0, k).forEach((item, i) => {
    if (relevant.has(item) && !seen.has(item)) dcg += 1 / Math.log2(i + 2)
    seen.add(item)
  })
  let ideal = 0
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2)
  return dcg / ideal
}

function hits(recommended: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const seen = new Set<string>()
  let n = 0
  for (const item of recommended.slice(0, k)) {
    if (relevant.has(item) && !seen.has(item)) n++
    seen.add(item)
  }
  return n
}
