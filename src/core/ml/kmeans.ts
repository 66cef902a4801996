/**
 * k-means with k chosen by silhouette. The clustering itself is the maintained `ml-kmeans` package (k-means++
 * initialisation, Lloyd iterations) with a fixed seed, so the same data always gives the same clusters; the
 * silhouette is our own (silhouette.ts). k runs over [kMin, kMax] limited by the data: at most the number of
 * distinct points (more clusters than distinct points leaves clusters empty) and at most n − 1 (silhouette's
 * domain). The best mean silhouette wins; ties go to the smaller k.
 */
// ml-kmeans (and ml-matrix under it) is loaded on first use, not at boot (≈6 MB RSS a process would carry for a
// nightly job).
const kmeans: typeof import("ml-kmeans").kmeans = (...args) => (require("ml-kmeans") as typeof import("ml-kmeans")).kmeans(...args)
import { silhouette } from "./silhouette"

export interface KCandidate {
  k: number
  silhouette: number | null
  /** Why a k was not usable (e.g. an empty cluster), when it was not. */
  skipped?: string
}

export interface Clustering {
  k: number
  silhouette: number
  /** Cluster index per point, in input order. */
  labels: number[]
  centroids: number[][]
  sizes: number[]
  /** Mean silhouette per cluster (over the silhouette sample). */
  clusterSilhouettes: number[]
  candidates: KCandidate[]
  /** Points the silhouette was computed over (all, or an even sample of large inputs). */
  silhouetteSample: number
}

export interface ClusterOptions {
  kMin?: number
  kMax?: number
  /** Force one k (still bounded by the data). */
  k?: number
  seed?: number
  /** Silhouette is O(n²): above this many points it is computed on an even, deterministic sample. */
  maxSilhouetteSample?: number
  maxIterations?: number
}

export function distinctCount(points: readonly (readonly number[])[]): number {
  return new Set(points.map((p) => p.join(","))).size
}

export function clusterWithBestK(points: readonly (readonly number[])[], opts: ClusterOptions = {}): Clustering | null {
  const n = points.length
  const seed = opts.seed ?? 42
  const limit = Math.min(distinctCount(points), n - 1)
  const kMin = Math.max(2, opts.k ?? opts.kMin ?? 2)
  const kMax = Math.min(limit, opts.k ?? opts.kMax ?? 8)
  if (kMax < kMin) return null

  const maxSample = opts.maxSilhouetteSample ?? 2000
  const sampleIdx = n <= maxSample ? points.map((_, i) => i) : Array.from({ length: maxSample }, (_, s) => Math.floor((s * n) / maxSample))
  const data = points.map((p) => [...p])

  const candidates: KCandidate[] = []
  let best: Clustering | null = null
  for (let k = kMin; k <= kMax; k++) {
    const result = kmeans(data, k, { seed, initialization: "kmeans++", maxIterations: opts.maxIterations ?? 300 })
    const labels = result.clusters
    const sizes = new Array<number>(k).fill(0)
    for (const l of labels) sizes[l]++
    if (sizes.some((s) => s === 0) || result.centroids.some((c) => c.some((v) => !Number.isFinite(v)))) {
      candidates.push({ k, silhouette: null, skipped: "a cluster came out empty" })
      continue
    }
    const s = silhouette(
      sampleIdx.map((i) => data[i]),
      sampleIdx.map((i) => labels[i])
    )
    if (!s) {
      candidates.push({ k, silhouette: null, skipped: "silhouette undefined on the sample" })
      continue
    }
    candidates.push({ k, silhouette: s.mean })
    if (!best || s.mean > best.silhouette + 1e-12) {
      best = {
        k,
        silhouette: s.mean,
        labels: [...labels],
        centroids: result.centroids.map((c) => [...c]),
        sizes,
        clusterSilhouettes: Array.from({ length: k }, (_, c) => s.byCluster[c] ?? 0),
        candidates: [],
        silhouetteSample: sampleIdx.length,
      }
    }
  }
  if (!best) return null
  best.candidates = candidates
  return best
}
