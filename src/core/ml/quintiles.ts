/**
 * Quantile scores (1..buckets, default quintiles 1..5) by mid-rank percentile, so ties always share a score and
 * any store size works (no minimum):
 *
 *   p(x)     = (#values < x + #values = x / 2) / n          (the mid-distribution / Hazen position, in (0, 1))
 *   score(x) = floor(buckets · p(x)) + 1                     (never above `buckets`, because p < 1)
 *
 * computed in integers — floor((2·b·less + b·equal) / (2·n)) + 1 — so the SQL twin in the shell (rank() and
 * count(*) OVER (PARTITION BY x)) gives the same numbers. Consequences: n distinct values split as evenly as
 * n allows (5 values → 1,2,3,4,5; 10 → two per score); all-equal values (or one customer) all score the middle,
 * 3, because nobody is better or worse than anyone else.
 */
export function quantileScores<T>(values: readonly T[], compare: (a: T, b: T) => number, buckets = 5): number[] {
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError("buckets must be a positive integer")
  const n = values.length
  const out = new Array<number>(n)
  if (!n) return out
  const order = values.map((_, i) => i).sort((a, b) => compare(values[a], values[b]) || a - b)
  let start = 0
  while (start < n) {
    let end = start + 1
    while (end < n && compare(values[order[start]], values[order[end]]) === 0) end++
    const less = start
    const equal = end - start
    const score = Math.floor((2 * buckets * less + buckets * equal) / (2 * n)) + 1
    for (let i = start; i < end; i++) out[order[i]] = score
    start = end
  }
  return out
}

/** Quintile scores of numbers: higher value → higher score (pass `higherIsBetter: false` to reverse). */
export function quintileScores(values: readonly number[], opts: { higherIsBetter?: boolean } = {}): number[] {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError("values must be finite numbers")
  const sign = opts.higherIsBetter === false ? -1 : 1
  return quantileScores(values, (a, b) => sign * (a - b), 5)
}
