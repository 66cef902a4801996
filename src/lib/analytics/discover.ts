// "Discover segments": k-means over the RFM of the store's customers with orders (core/ml/rfm-clusters.ts).
import type { MedusaContainer } from "@medusajs/framework/types"
import { discoverRfmClusters, type DiscoveredCluster, type KCandidate } from "../../core/ml"
import { sql } from "../db/raw-sql"
import { loadDefaultCurrency } from "../profile/load-facts"
import { RFM_POPULATION } from "./rfm"

const DAY = 86_400_000
export const DISCOVERY_SEED = 42

export type DiscoverResult = {
  customers: number
  currency: string
  as_of: string
  k: number | null
  silhouette: number | null
  candidates: KCandidate[]
  silhouette_sample: number
  clusters: (Omit<DiscoveredCluster, "bounds"> & { bounds: DiscoveredCluster["bounds"]; suggested: { handle: string; name: string } })[]
  /** Why there are no clusters, when there are none. */
  reason: string | null
  method: string
}

/** Deterministic for the same data and clock: fixed k-means seed, customers read in id order. */
export async function discoverSegments(container: MedusaContainer, opts: { now?: Date; k?: number } = {}): Promise<DiscoverResult> {
  const now = opts.now ?? new Date()
  const [rows, currency] = await Promise.all([
    sql<{ last_order_at: Date; orders_count: number; spent: number }>(
      container,
      `SELECT p.last_order_at, p.orders_count, p.total_spent::float8 AS spent
         FROM personalization_customer_profile p WHERE ${RFM_POPULATION} ORDER BY p.id`
    ),
    loadDefaultCurrency(container),
  ])
  const points = rows.map((r) => ({
    recency_days: Math.max(0, (now.getTime() - new Date(r.last_order_at).getTime()) / DAY),
    orders: Number(r.orders_count),
    spent: Number(r.spent),
  }))
  const d = discoverRfmClusters(points, { currency, seed: DISCOVERY_SEED, k: opts.k })
  const base = {
    customers: points.length,
    currency,
    as_of: now.toISOString(),
    method:
      "k-means (ml-kmeans, k-means++ with a fixed seed) on z-scores of log(1 + x) of recency (days since the last order), " +
      "orders and amount spent; k from 2 to 8 by the best mean silhouette. Each cluster's conditions come from its " +
      "centroid: on each feature, the midpoint to the neighbouring clusters' centroids (features that do not separate " +
      "clusters are left out), rounded to readable numbers.",
  }
  if (!d) {
    return {
      ...base,
      k: null,
      silhouette: null,
      candidates: [],
      silhouette_sample: 0,
      clusters: [],
      reason:
        points.length < 3
          ? `${points.length} customers with orders; clustering needs at least 3`
          : "the customers with orders are too alike to form two clusters",
    }
  }
  return {
    ...base,
    k: d.k,
    silhouette: d.silhouette,
    candidates: d.candidates,
    silhouette_sample: d.silhouette_sample,
    clusters: d.clusters.map((c) => ({
      ...c,
      suggested: { handle: `rfm-cluster-${d.k}-${c.index + 1}`, name: `Cluster ${c.index + 1} of ${d.k}: ${c.description}`.slice(0, 200) },
    })),
    reason: null,
  }
}
