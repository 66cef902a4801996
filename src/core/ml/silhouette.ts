/**
 * Silhouette coefficient (Rousseeuw 1987) with Euclidean distance:
 *   a(i) = mean distance from i to the other members of its cluster,
 *   b(i) = the smallest mean distance from i to the members of another cluster,
 *   s(i) = (b − a) / max(a, b);  s(i) = 0 for a member of a one-point cluster (scikit-learn's convention) and
 *   when a = b = 0 (duplicate points split across clusters).
 * The mean over all points measures the clustering; it needs 2 ≤ k ≤ n − 1 clusters, else null.
 * O(n²): callers sample large inputs (see kmeans.ts).
 */
export interface SilhouetteResult {
  mean: number
  /** s(i) per point, in input order. */
  values: number[]
  /** Mean s(i) per cluster label (labels are 0..k-1). */
  byCluster: number[]
}

export function euclidean(a: readonly number[], b: readonly number[]): number {
  let s = 0
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2
  return Math.sqrt(s)
}

export function silhouette(points: readonly (readonly number[])[], labels: readonly number[]): SilhouetteResult | null {
  const n = points.length
  if (labels.length !== n) throw new RangeError("points and labels must have the same length")
  const k = labels.reduce((m, l) => Math.max(m, l + 1), 0)
  const sizes = new Array<number>(k).fill(0)
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 0) throw new RangeError("labels must be non-negative integers")
    sizes[l]++
  }
  const used = sizes.filter((s) => s > 0).length
  if (used < 2 || used > n - 1) return null

  const values = new Array<number>(n).fill(0)
  const sums = new Array<number>(k)
  for (let i = 0; i < n; i++) {
    if (sizes[labels[i]] === 1) continue // singleton: 0
    sums.fill(0)
    for (let j = 0; j < n; j++) if (j !== i) sums[labels[j]] += euclidean(points[i], points[j])
    const a = sums[labels[i]] / (sizes[labels[i]] - 1)
    let b = Infinity
    for (let c = 0; c < k; c++) if (c !== labels[i] && sizes[c] > 0) b = Math.min(b, sums[c] / sizes[c])
    const m = Math.max(a, b)
    values[i] = m === 0 ? 0 : (b - a) / m
  }
  const byCluster = new Array<number>(k).fill(0)
  for (let i = 0; i < n; i++) byCluster[labels[i]] += values[i]
  for (let c = 0; c < k; c++) byCluster[c] = sizes[c] ? byCluster[c] / sizes[c] : 0
  return { mean: values.reduce((s, v) => s + v, 0) / n, values, byCluster }
}
