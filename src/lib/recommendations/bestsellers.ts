// Best sellers of the store and of segments: the cold-start fallbacks. Counted over orders (distinct orders
// per product), recent ones first (last 90 days), all-time count as the tie-breaker; cached briefly in-process
// because every cold-start request needs them and they change slowly.
import { sql } from "../db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }

export const BESTSELLER_WINDOW_DAYS = 90
const TOP = 200
const TTL_MS = 60_000

const cache = new Map<string, { at: number; ids: string[] }>()

async function cached(key: string, load: () => Promise<string[]>): Promise<string[]> {
  const hit = cache.get(key)
  if (hit && Date.now() - hit.at < TTL_MS) return hit.ids
  const ids = await load()
  cache.set(key, { at: Date.now(), ids })
  if (cache.size > 1000) cache.delete(cache.keys().next().value as string)
  return ids
}

export function clearBestsellerCache() {
  cache.clear()
}

const since = () => new Date(Date.now() - BESTSELLER_WINDOW_DAYS * 86_400_000)

const ORDER_LINES = `
  JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
  JOIN order_line_item li ON li.id = oi.item_id AND li.deleted_at IS NULL AND li.product_id IS NOT NULL`
const PLACED = `o.deleted_at IS NULL AND o.status <> 'canceled' AND o.is_draft_order = false`

/** Product ids, best selling first. */
export function storeBestsellers(container: Resolver): Promise<string[]> {
  return cached("store", async () => {
    const rows = await sql<{ product_id: string }>(
      container,
      `SELECT li.product_id
         FROM "order" o ${ORDER_LINES}
        WHERE ${PLACED}
        GROUP BY li.product_id
        ORDER BY count(DISTINCT o.id) FILTER (WHERE o.created_at >= $1) DESC, count(DISTINCT o.id) DESC, li.product_id
        LIMIT $2`,
      [since(), TOP]
    )
    return rows.map((r) => r.product_id)
  })
}

/** Best sellers among the current members of the given (active) segments. */
export function segmentBestsellers(container: Resolver, segmentIds: string[]): Promise<string[]> {
  if (!segmentIds.length) return Promise.resolve([])
  const ids = [...new Set(segmentIds)].sort()
  return cached(`segments:${ids.join(",")}`, async () => {
    const rows = await sql<{ product_id: string }>(
      container,
      `SELECT li.product_id
         FROM "order" o ${ORDER_LINES}
        WHERE ${PLACED}
          AND o.customer_id IN (SELECT m.customer_id FROM personalization_segment_membership m
                                 WHERE m.segment_id = ANY($3::text[]) AND m.exited_at IS NULL
                                   AND m.deleted_at IS NULL AND m.customer_id IS NOT NULL)
        GROUP BY li.product_id
        ORDER BY count(DISTINCT o.id) FILTER (WHERE o.created_at >= $1) DESC, count(DISTINCT o.id) DESC, li.product_id
        LIMIT $2`,
      [since(), TOP, ids]
    )
    return rows.map((r) => r.product_id)
  })
}
