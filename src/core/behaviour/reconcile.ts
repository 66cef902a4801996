/**
 * What to write so a customer's stored server facts match Medusa's data: every order's fact (order-facts.ts) as it is
 * now, and the carts' activity since the recorded facts (cart-facts.ts). Order facts are derived state: a stored one
 * that no order yields any more (its order was canceled — it then yields `order_canceled` — or moved to another
 * customer) is removed. Cart facts are history: never removed, only appended. Pure and idempotent: reconciling
 * again after writing the result yields nothing.
 */
import type { CartFact } from "../traits/cart-traits"
import type { OrderFact } from "../traits/order-traits"
import { cartFacts } from "./cart-facts"
import { orderFacts } from "./order-facts"
import { ORDER_CANCELED, ORDER_PLACED, type ServerFact, type StoredFact } from "./types"

export interface FactChanges {
  /** New facts, or stored ones (same client_id) whose type, time or properties changed. */
  upsert: ServerFact[]
  /** Stored facts no longer true. */
  remove: StoredFact[]
}

export function reconcileServerFacts(input: {
  orders: readonly OrderFact[]
  carts: readonly CartFact[]
  stored: readonly StoredFact[]
  /** The store's default currency. */
  currency: string
  /** The evaluation instant: when a removed cart line was noticed (cart-facts.ts). */
  now: Date
}): FactChanges {
  const stored = new Map(input.stored.map((f) => [f.client_id, f]))
  const wanted = orderFacts(input.orders, { currency: input.currency })
  const wantedKeys = new Set(wanted.map((f) => f.client_id))
  const upsert = wanted.filter((f) => {
    const s = stored.get(f.client_id)
    return !s || !sameFact(s, f)
  })
  const remove = input.stored.filter((f) => (f.type === ORDER_PLACED || f.type === ORDER_CANCELED) && !wantedKeys.has(f.client_id))
  for (const cart of input.carts) upsert.push(...cartFacts(cart, input.stored, input.now))
  return { upsert, remove }
}

export function sameFact(a: ServerFact, b: ServerFact): boolean {
  return (
    a.type === b.type &&
    a.occurred_at.getTime() === b.occurred_at.getTime() &&
    canonicalJson(a.properties) === canonicalJson(b.properties)
  )
}

/** JSON with object keys sorted (jsonb hands keys back in its own order). */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`
  if (v && typeof v === "object" && !(v instanceof Date)) {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(",")}}`
  }
  return JSON.stringify(v instanceof Date ? v.toISOString() : v) ?? "null"
}

/** The profile's events as the evaluator will see them once `changes` are written (stored minus removed/replaced, plus upserted). */
export function applyFactChanges<E extends { client_id?: string | null }>(
  events: readonly E[],
  changes: FactChanges,
  toEvent: (f: ServerFact) => E
): E[] {
  const gone = new Set([...changes.remove.map((f) => f.client_id), ...changes.upsert.map((f) => f.client_id)])
  return [...events.filter((e) => !e.client_id || !gone.has(e.client_id)), ...changes.upsert.map(toEvent)]
}
