/** "Did you mean …?" for names in rules: the closest candidate by edit distance, if it is close enough. */

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: `ordres` → `orders` is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0
  const m = a.length
  const n = b.length
  let prev2: number[] = []
  let prev = Array.from({ length: n + 1 }, (_, j) => j)
  for (let i = 1; i <= m; i++) {
    const cur = [i]
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2] + 1)
      cur.push(d)
    }
    prev2 = prev
    prev = cur
  }
  return prev[n]
}

// Case and separators do not count: `Total_Spent`, `totalspent` and `total-spent` are all 0 from total_spent.
const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "")

/**
 * The candidate nearest to `name`, or null when none is within a typo's reach: at most 1 edit for names up to 5
 * characters, 2 up to 8, 3 beyond. Ties go to the alphabetically first candidate, so the answer is stable.
 */
export function nearest(name: string, candidates: Iterable<string>): string | null {
  const limit = name.length <= 5 ? 1 : name.length <= 8 ? 2 : 3
  const folded = fold(name)
  let best: string | null = null
  let bestDistance = Infinity
  for (const c of candidates) {
    if (c === name) continue
    const d = Math.min(editDistance(name, c), editDistance(folded, fold(c)))
    if (d > limit) continue
    if (d < bestDistance || (d === bestDistance && best !== null && c < best)) {
      best = c
      bestDistance = d
    }
  }
  return best
}
