/**
 * Order-derived traits of one customer, computed from Medusa's own orders so they are always right
 * (recomputing is idempotent: a duplicate or replayed event cannot double-count).
 */
import { addDecimal, decimalToString, toDecimal, ZERO, type Decimal } from "../rules/decimal"
import { divideDecimal } from "./decimal-division"

export interface OrderFact {
  id: string
  created_at: Date
  currency_code: string
  /** Order total as Medusa reports it (number or decimal string). */
  total: number | string
  canceled: boolean
  /** Category handles per item (`category_ids` is a historical name: categories_bought holds handles). */
  items: OrderItemFact[]
  // Read for the order behaviour facts (core/behaviour/order-facts.ts); optional for callers that only need traits.
  /** When the order was canceled (null: it stands). */
  canceled_at?: Date | null
  /** Refunds recorded against the order's payments, in its currency (summary.refunded_total). */
  refunded_total?: number | string | null
  sales_channel_id?: string | null
  region_id?: string | null
}

export interface OrderItemFact {
  product_id: string | null
  /** Category handles of the product. */
  category_ids: string[]
  quantity: number
  variant_id?: string | null
  collection_id?: string | null
  /** Category ids of the product (handles are in category_ids). */
  category_refs?: string[]
}

export interface OrderTraits {
  orders_count: number
  /** In `currency_code` (the store's default currency), as an exact decimal string. */
  total_spent: string
  aov: string
  currency_code: string
  spent_by_currency: Record<string, string>
  orders_by_currency: Record<string, number>
  first_order_at: Date | null
  last_order_at: Date | null
  /** Most-bought first, at most `topN`. */
  products_bought: string[]
  categories_bought: string[]
}

export function computeOrderTraits(
  orders: readonly OrderFact[],
  opts: { currency: string; topN?: number }
): OrderTraits {
  const topN = opts.topN ?? 20
  const currency = opts.currency.toLowerCase()
  const live = orders.filter((o) => !o.canceled)
  const spent = new Map<string, Decimal>()
  const counts = new Map<string, number>()
  const products = new Map<string, number>()
  const categories = new Map<string, number>()
  let first: Date | null = null
  let last: Date | null = null

  for (const order of live) {
    const code = order.currency_code.toLowerCase()
    const total = toDecimal(typeof order.total === "string" ? order.total.trim() : order.total) ?? ZERO
    spent.set(code, addDecimal(spent.get(code) ?? ZERO, total))
    counts.set(code, (counts.get(code) ?? 0) + 1)
    if (!first || order.created_at < first) first = order.created_at
    if (!last || order.created_at > last) last = order.created_at
    for (const item of order.items) {
      const q = Math.max(0, item.quantity || 0)
      if (item.product_id) products.set(item.product_id, (products.get(item.product_id) ?? 0) + q)
      for (const c of item.category_ids) categories.set(c, (categories.get(c) ?? 0) + q)
    }
  }

  const inCurrency = spent.get(currency) ?? ZERO
  const countInCurrency = counts.get(currency) ?? 0
  return {
    orders_count: live.length,
    total_spent: decimalToString(inCurrency),
    aov: countInCurrency ? decimalToString(divideDecimal(inCurrency, countInCurrency, 4)) : "0",
    currency_code: currency,
    spent_by_currency: Object.fromEntries([...spent].map(([k, v]) => [k, decimalToString(v)])),
    orders_by_currency: Object.fromEntries(counts),
    first_order_at: first,
    last_order_at: last,
    products_bought: ranked(products, topN),
    categories_bought: ranked(categories, topN),
  }
}

/** Keys by count descending, ties by key, so the result is deterministic. */
function ranked(counts: Map<string, number>, topN: number): string[] {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, topN)
    .map(([k]) => k)
}
