// What the recommender learns from, read set-based with `$n` SQL on Medusa's pool (lib/db/raw-sql.ts):
// orders (co-purchases), and — only for profiles whose consent allows the purpose — browsing sessions
// (co-views) and unfinished carts (co-carts).
import { sql } from "../db/raw-sql"
import { sessionize, type Basket, type DatedBasket } from "../../core/recommendations"

type Resolver = { resolve<T = unknown>(key: string): T }

/** The consent purpose behaviour must be granted for before it feeds recommendations (as for tracking). */
export const RECOMMENDATION_PURPOSE = "personalization"
const ORDER_PAGE = 5000
const SESSION_GAP_MS = 30 * 60_000

/**
 * Placed orders (not canceled, not drafts, current version of their items) as baskets of distinct product
 * ids, oldest first. `subject` = the customer id (orders without one stand alone). Keyset-paged by
 * (created_at, id); the cursor keeps Postgres' full timestamp precision (as text), not a JS Date's.
 */
export async function loadOrderBaskets(
  container: Resolver,
  opts: { until?: Date; pageSize?: number } = {}
): Promise<DatedBasket[]> {
  const pageSize = opts.pageSize ?? ORDER_PAGE
  const out: DatedBasket[] = []
  let cursor: { at: string; id: string } | null = null
  for (;;) {
    const rows: { id: string; customer_id: string | null; created_at: Date; cursor_at: string; products: string[] }[] =
      await sql(
        container,
        `WITH page AS (
           SELECT id, customer_id, created_at, version FROM "order"
            WHERE deleted_at IS NULL AND status <> 'canceled' AND is_draft_order = false
              AND ($2::timestamptz IS NULL OR created_at < $2::timestamptz)
              AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::text))
            ORDER BY created_at, id
            LIMIT $1)
         SELECT pg.id, pg.customer_id, pg.created_at, pg.created_at::text AS cursor_at,
                array_remove(array_agg(DISTINCT li.product_id), NULL) AS products
           FROM page pg
           LEFT JOIN order_item oi ON oi.order_id = pg.id AND oi.version = pg.version AND oi.deleted_at IS NULL
           LEFT JOIN order_line_item li ON li.id = oi.item_id AND li.deleted_at IS NULL
          GROUP BY pg.id, pg.customer_id, pg.created_at
          ORDER BY pg.created_at, pg.id`,
        [pageSize, opts.until ?? null, cursor?.at ?? null, cursor?.id ?? null]
      )
    for (const r of rows) {
      if (!r.products.length) continue
      out.push({ subject: r.customer_id ?? `order:${r.id}`, at: new Date(r.created_at).getTime(), items: r.products })
    }
    if (rows.length < pageSize) break
    const last = rows[rows.length - 1]
    cursor = { at: last.cursor_at, id: last.id }
  }
  return out
}

/** The consent condition on profile alias `p`, or `true` when the store does not require consent. */
function consentClause(requireConsent: boolean, paramIndex: number): string {
  return requireConsent ? `COALESCE((p.consent -> $${paramIndex}::text ->> 'status') = 'granted', false)` : "true"
}

/**
 * Co-view sessions (`product_viewed` events with a `product_id` property) of profiles that consent to the
 * purpose; a gap of 30 minutes starts a new session.
 */
export async function loadViewBaskets(container: Resolver, opts: { requireConsent: boolean }): Promise<Basket[]> {
  const rows = await sql<{ profile_id: string; product_id: string; at: Date }>(
    container,
    `SELECT e.profile_id, e.properties ->> 'product_id' AS product_id, e.occurred_at AS at
       FROM personalization_behavior_event e
       JOIN personalization_customer_profile p ON p.id = e.profile_id AND p.deleted_at IS NULL
      WHERE e.deleted_at IS NULL AND e.type = 'product_viewed'
        AND COALESCE(e.properties ->> 'product_id', '') <> ''
        AND ${consentClause(opts.requireConsent, 1)}`,
    opts.requireConsent ? [RECOMMENDATION_PURPOSE] : []
  )
  return sessionize(
    rows.map((r) => ({ subject: r.profile_id, item: r.product_id, at: new Date(r.at).getTime() })),
    "view",
    SESSION_GAP_MS
  )
}

/**
 * Unfinished carts with at least two products, of customers (by customer_id) or visitors (by the cart's
 * visitor metadata key) whose profile consents to the purpose.
 */
export async function loadCartBaskets(container: Resolver, opts: { requireConsent: boolean }): Promise<Basket[]> {
  const params = opts.requireConsent ? [RECOMMENDATION_PURPOSE] : []
  const consent = consentClause(opts.requireConsent, 1)
  const rows = await sql<{ products: string[] }>(
    container,
    `WITH consenting_carts AS (
        SELECT c.id FROM cart c
          JOIN personalization_customer_profile p
            ON p.customer_id = c.customer_id AND p.deleted_at IS NULL
         WHERE c.completed_at IS NULL AND c.deleted_at IS NULL AND c.customer_id IS NOT NULL AND ${consent}
        UNION
        SELECT c.id FROM cart c
          JOIN personalization_customer_profile p
            ON p.visitor_id = c.metadata ->> 'personalization_visitor_id' AND p.customer_id IS NULL
           AND p.merged_into_id IS NULL AND p.deleted_at IS NULL
         WHERE c.completed_at IS NULL AND c.deleted_at IS NULL AND c.customer_id IS NULL AND ${consent}
     )
     SELECT array_agg(DISTINCT li.product_id) AS products
       FROM consenting_carts cc
       JOIN cart_line_item li ON li.cart_id = cc.id AND li.deleted_at IS NULL AND li.product_id IS NOT NULL
      GROUP BY cc.id
     HAVING count(DISTINCT li.product_id) >= 2`,
    params
  )
  return rows.map((r) => ({ kind: "cart" as const, items: r.products }))
}
