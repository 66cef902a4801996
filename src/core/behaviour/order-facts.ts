/**
 * Order facts: each of a customer's Medusa orders as one behaviour fact, recomputed from the order's current state
 * (so a replayed event cannot double-count, a cancellation or a return simply changes the fact):
 *
 * - an order that stands → `order_placed` at its creation time (client id `order_placed <order id>`);
 * - a canceled order → `order_canceled` at its cancellation time (`order_canceled <order id>`), and no
 *   `order_placed`: a canceled order leaves the order windows exactly as it leaves `orders_count`.
 *
 * Properties (JSON): `order_id`; `amount` — the order's current total (Medusa's summary: after returns, edits,
 * claims and exchanges) as an exact decimal string, ONLY when the order is in the store currency (like
 * `total_spent`, which sums the same figures); `total` and `currency_code` — the same total in the order's own
 * currency; `refunded_amount` — refunds recorded on its payments (not subtracted from `amount`: a return's refund
 * is already in the lower total); `item_count` — units ordered; `product_ids`, `variant_ids`, `category_ids`,
 * `category_handles`, `collection_ids` — sorted, distinct; `sales_channel_id`, `region_id` when known;
 * `order_canceled` also has `placed_at`.
 */
import { decimalToString, toDecimal } from "../rules/decimal"
import type { OrderFact } from "../traits/order-traits"
import { ORDER_CANCELED, ORDER_PLACED, type ServerFact } from "./types"

export const orderFactKey = (type: typeof ORDER_PLACED | typeof ORDER_CANCELED, orderId: string) => `${type} ${orderId}`

/** An exact decimal string for a Medusa amount (number, decimal string, or exponent text), or null. */
export function exactAmount(v: unknown): string | null {
  if (v === null || v === undefined) return null
  const text = typeof v === "string" ? v.trim() : v
  const d = toDecimal(text) ?? (typeof text === "string" && /^-?\d+(\.\d+)?e[+-]?\d+$/i.test(text) ? toDecimal(Number(text)) : null)
  return d ? decimalToString(d) : null
}

const distinct = (values: (string | null | undefined)[]): string[] =>
  [...new Set(values.filter((v): v is string => typeof v === "string" && v.length > 0))].sort()

/** The fact for one order (see the header). `currency` is the store's default currency. */
export function orderFact(order: OrderFact, opts: { currency: string }): ServerFact {
  const currency = order.currency_code.toLowerCase()
  const total = exactAmount(order.total) ?? "0"
  const items = order.items
  const properties: Record<string, unknown> = {
    order_id: order.id,
    ...(currency === opts.currency.toLowerCase() ? { amount: total } : {}),
    total,
    currency_code: currency,
    refunded_amount: exactAmount(order.refunded_total) ?? "0",
    item_count: items.reduce((n, i) => n + Math.max(0, Number(i.quantity) || 0), 0),
    product_ids: distinct(items.map((i) => i.product_id)),
    variant_ids: distinct(items.map((i) => i.variant_id)),
    category_ids: distinct(items.flatMap((i) => i.category_refs ?? [])),
    category_handles: distinct(items.flatMap((i) => i.category_ids)),
    collection_ids: distinct(items.map((i) => i.collection_id)),
  }
  if (order.sales_channel_id) properties.sales_channel_id = order.sales_channel_id
  if (order.region_id) properties.region_id = order.region_id
  if (!order.canceled) {
    return { client_id: orderFactKey(ORDER_PLACED, order.id), type: ORDER_PLACED, occurred_at: order.created_at, properties }
  }
  properties.placed_at = order.created_at.toISOString()
  return {
    client_id: orderFactKey(ORDER_CANCELED, order.id),
    type: ORDER_CANCELED,
    // A canceled order without its cancellation time (older data) is dated at its placement.
    occurred_at: order.canceled_at ?? order.created_at,
    properties,
  }
}

export function orderFacts(orders: readonly OrderFact[], opts: { currency: string }): ServerFact[] {
  return orders.map((o) => orderFact(o, opts))
}
