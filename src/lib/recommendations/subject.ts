// What the recommender may know about the caller: their purchases, views, segments and open cart.
import { sql } from "../db/raw-sql"
import { notFoundField } from "./errors"
import { CART_VISITOR_KEY, type StoreSubject } from "../privacy/subject"

type Resolver = { resolve<T = unknown>(key: string): T }

const MAX_BOUGHT = 100
const MAX_VIEWED = 50

/** Products the customer ordered (placed, not canceled), most recent first. */
export async function boughtProducts(container: Resolver, customerId: string): Promise<string[]> {
  const rows = await sql<{ product_id: string }>(
    container,
    `SELECT li.product_id
       FROM "order" o
       JOIN order_item oi ON oi.order_id = o.id AND oi.version = o.version AND oi.deleted_at IS NULL
       JOIN order_line_item li ON li.id = oi.item_id AND li.deleted_at IS NULL AND li.product_id IS NOT NULL
      WHERE o.customer_id = $1 AND o.deleted_at IS NULL AND o.status <> 'canceled' AND o.is_draft_order = false
      GROUP BY li.product_id
      ORDER BY max(o.created_at) DESC, li.product_id
      LIMIT $2`,
    [customerId, MAX_BOUGHT]
  )
  return rows.map((r) => r.product_id)
}

/** Products the profile viewed (tracked `product_viewed` events), most recent first. */
export async function viewedProducts(container: Resolver, profileId: string): Promise<string[]> {
  const rows = await sql<{ product_id: string }>(
    container,
    `SELECT e.properties ->> 'product_id' AS product_id
       FROM personalization_behavior_event e
      WHERE e.profile_id = $1 AND e.type = 'product_viewed' AND e.deleted_at IS NULL
        AND COALESCE(e.properties ->> 'product_id', '') <> ''
      GROUP BY 1
      ORDER BY max(e.occurred_at) DESC, 1
      LIMIT $2`,
    [profileId, MAX_VIEWED]
  )
  return rows.map((r) => r.product_id)
}

/** Active segments the profile is a member of now. */
export async function currentSegments(container: Resolver, profileId: string): Promise<string[]> {
  const rows = await sql<{ segment_id: string }>(
    container,
    `SELECT m.segment_id
       FROM personalization_segment_membership m
       JOIN personalization_segment s ON s.id = m.segment_id AND s.status = 'active' AND s.deleted_at IS NULL
      WHERE m.profile_id = $1 AND m.exited_at IS NULL AND m.deleted_at IS NULL`,
    [profileId]
  )
  return rows.map((r) => r.segment_id)
}

/**
 * The products in the subject's cart: `cartId` when given (404 naming `cart_id` when it does not exist or
 * belongs to another customer), else the subject's most recently updated open cart (a customer's, or a
 * visitor's by the cart's visitor metadata key). Empty when there is none.
 */
export async function cartProducts(container: Resolver, subject: StoreSubject, cartId?: string | null): Promise<string[]> {
  let id: string | null = null
  if (cartId) {
    const [cart] = await sql<{ id: string; customer_id: string | null }>(
      container,
      `SELECT id, customer_id FROM cart WHERE id = $1 AND deleted_at IS NULL`,
      [cartId]
    )
    const mine = cart && (!cart.customer_id || (subject.kind === "customer" && subject.customer_id === cart.customer_id))
    if (!mine) throw notFoundField("cart_id", `cart '${cartId}' was not found`)
    id = cart.id
  } else if (subject.kind === "customer") {
    const [cart] = await sql<{ id: string }>(
      container,
      `SELECT id FROM cart WHERE customer_id = $1 AND completed_at IS NULL AND deleted_at IS NULL
        ORDER BY updated_at DESC, id LIMIT 1`,
      [subject.customer_id]
    )
    id = cart?.id ?? null
  } else if (subject.kind === "visitor") {
    const [cart] = await sql<{ id: string }>(
      container,
      `SELECT id FROM cart WHERE customer_id IS NULL AND metadata ->> $2 = $1 AND completed_at IS NULL AND deleted_at IS NULL
        ORDER BY updated_at DESC, id LIMIT 1`,
      [subject.visitor_id, CART_VISITOR_KEY]
    )
    id = cart?.id ?? null
  }
  if (!id) return []
  const rows = await sql<{ product_id: string }>(
    container,
    `SELECT product_id FROM cart_line_item WHERE cart_id = $1 AND deleted_at IS NULL AND product_id IS NOT NULL
      GROUP BY product_id ORDER BY min(created_at), product_id`,
    [id]
  )
  return rows.map((r) => r.product_id)
}
