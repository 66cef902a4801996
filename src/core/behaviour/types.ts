/**
 * Behaviour the plugin records itself from Medusa's own data (orders, carts), server-side. These facts live in the
 * same table as storefront-tracked events, so every behavioural window of the rule language (`event('order_placed')
 * .count(last 90d)`, sums, filters, exact-time exits) works on them unchanged. Pure: no Medusa import.
 */

/** An order that stands (not canceled), at its placement time. Its `amount` is the order total in the store currency. */
export const ORDER_PLACED = "order_placed"
/** An order that was canceled, at its cancellation time; its `order_placed` fact is gone (as it leaves orders_count). */
export const ORDER_CANCELED = "order_canceled"
/** Units of a variant appeared in a customer's Medusa cart (added, or the quantity raised). */
export const CART_LINE_ADDED = "cart_line_added"
/** Units of a variant left a customer's Medusa cart (removed, or the quantity lowered). */
export const CART_LINE_REMOVED = "cart_line_removed"
/** A customer's cart was completed (checkout), at its completion time. */
export const CART_COMPLETED = "cart_completed"

/** Every type only the server records: the store and admin tracking routes refuse them. */
export const SERVER_FACT_TYPES = [ORDER_PLACED, ORDER_CANCELED, CART_LINE_ADDED, CART_LINE_REMOVED, CART_COMPLETED] as const
export type ServerFactType = (typeof SERVER_FACT_TYPES)[number]

export function isServerFactType(type: string): type is ServerFactType {
  return (SERVER_FACT_TYPES as readonly string[]).includes(type)
}

/**
 * One fact as it is stored (personalization_behavior_event minus id/profile). `client_id` is the idempotency key:
 * it always contains a space, which storefront ids (printable ASCII without space) cannot, so a client can never
 * claim (or collide with) a server fact's key.
 */
export interface ServerFact {
  client_id: string
  type: ServerFactType
  occurred_at: Date
  properties: Record<string, unknown>
}

/** A fact already stored for the profile (its row id). */
export interface StoredFact extends ServerFact {
  id: string
}
