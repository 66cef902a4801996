/**
 * Native cart activity: what changed in a customer's Medusa cart since the facts already recorded for it.
 * Medusa emits only `cart.updated` for a line added, changed or removed, so activity is the difference between the
 * cart's lines now and the net quantity the recorded facts add up to, per variant:
 *
 * - more units than recorded → `cart_line_added` with `quantity` = the difference;
 * - fewer → `cart_line_removed` with `quantity` = the difference (a line removed entirely: all its units);
 * - a completed cart → one `cart_completed` at its completion time.
 *
 * An addition or a changed quantity is dated at the line's last write (`changed_at`, else the cart's last update); a
 * removal — the line is gone from the cart, and Medusa keeps no trace of when — at `observedAt`, the evaluation that
 * noticed it (right after the `cart.updated` it follows). Removals can only follow recorded facts, so they are always
 * observed incrementally, never reconstructed for old carts. Keys are
 * `<type> <cart id> <variant id> <n>` (`cart_completed <cart id>`): the n-th such fact for that cart and variant, so
 * recomputing from the same cart and the same recorded facts yields the same keys — a replay writes nothing twice.
 * Properties: `cart_id`, `variant_id`, `product_id`, `quantity`, `unit_price` (exact decimal, cart currency),
 * `currency_code`, `category_ids`, `category_handles`, `collection_id`; `cart_completed`: `cart_id`, `item_count`,
 * `product_ids`, `variant_ids`. Lines without a variant (custom items) are not tracked.
 */
import type { CartFact, CartLineFact } from "../traits/cart-traits"
import { exactAmount } from "./order-facts"
import { CART_COMPLETED, CART_LINE_ADDED, CART_LINE_REMOVED, type ServerFact } from "./types"

const lineKey = (type: string, cartId: string, variantId: string, n: number) => `${type} ${cartId} ${variantId} ${n}`
export const cartCompletedKey = (cartId: string) => `${CART_COMPLETED} ${cartId}`

const distinct = (values: (string | null | undefined)[]): string[] =>
  [...new Set(values.filter((v): v is string => typeof v === "string" && v.length > 0))].sort()

/**
 * The facts to add for one cart, given the facts already recorded (any of the profile's facts: only those of this
 * cart are read). Returns [] when nothing changed.
 */
export function cartFacts(cart: CartFact, recorded: readonly ServerFact[], observedAt: Date): ServerFact[] {
  const mine = recorded.filter((f) => f.properties.cart_id === cart.id)
  const net = new Map<string, number>()
  const seen = new Map<string, number>() // `${type} ${variant}` → facts recorded
  let completed = false
  for (const f of mine) {
    if (f.type === CART_COMPLETED) completed = true
    if (f.type !== CART_LINE_ADDED && f.type !== CART_LINE_REMOVED) continue
    const variant = f.properties.variant_id
    const q = Number(f.properties.quantity)
    if (typeof variant !== "string" || !Number.isFinite(q)) continue
    net.set(variant, (net.get(variant) ?? 0) + (f.type === CART_LINE_ADDED ? q : -q))
    seen.set(`${f.type} ${variant}`, (seen.get(`${f.type} ${variant}`) ?? 0) + 1)
  }

  const lines = new Map<string, { quantity: number; line: CartLineFact; at: number | null }>()
  for (const line of cart.lines ?? []) {
    if (!line.variant_id) continue
    const prev = lines.get(line.variant_id)
    const q = Math.max(0, Number(line.quantity) || 0)
    const at = line.changed_at ? new Date(line.changed_at).getTime() : null
    const latest = prev?.at === null || prev?.at === undefined ? at : at === null ? prev.at : Math.max(prev.at, at)
    lines.set(line.variant_id, { quantity: (prev?.quantity ?? 0) + q, line: prev?.line ?? line, at: latest })
  }

  const out: ServerFact[] = []
  const variants = [...new Set([...net.keys(), ...lines.keys()])].sort()
  for (const variant of variants) {
    const now = lines.get(variant)
    const delta = (now?.quantity ?? 0) - (net.get(variant) ?? 0)
    if (delta === 0) continue
    const type = delta > 0 ? CART_LINE_ADDED : CART_LINE_REMOVED
    const n = (seen.get(`${type} ${variant}`) ?? 0) + 1
    const line = now?.line ?? lastRecordedLine(mine, variant)
    out.push({
      client_id: lineKey(type, cart.id, variant, n),
      type,
      occurred_at: !now ? observedAt : now.at !== null ? new Date(now.at) : cart.updated_at,
      properties: lineProperties(cart, variant, Math.abs(delta), line),
    })
  }

  if (cart.completed_at && !completed) {
    const current = [...lines.entries()]
    out.push({
      client_id: cartCompletedKey(cart.id),
      type: CART_COMPLETED,
      occurred_at: cart.completed_at,
      properties: {
        cart_id: cart.id,
        item_count: current.reduce((n, [, l]) => n + l.quantity, 0),
        product_ids: distinct(current.map(([, l]) => l.line.product_id)),
        variant_ids: current.map(([v]) => v).sort(),
      },
    })
  }
  return out
}

/** A removed line is gone from the cart: its product details come from the last fact recorded for it. */
function lastRecordedLine(recorded: readonly ServerFact[], variant: string): CartLineFact | null {
  const f = [...recorded].reverse().find((r) => r.properties.variant_id === variant)
  if (!f) return null
  const p = f.properties
  return {
    variant_id: variant,
    product_id: typeof p.product_id === "string" ? p.product_id : null,
    quantity: 0,
    unit_price: typeof p.unit_price === "string" ? p.unit_price : null,
    collection_id: typeof p.collection_id === "string" ? p.collection_id : null,
    category_ids: Array.isArray(p.category_ids) ? (p.category_ids as string[]) : [],
    category_handles: Array.isArray(p.category_handles) ? (p.category_handles as string[]) : [],
  }
}

function lineProperties(cart: CartFact, variant: string, quantity: number, line: CartLineFact | null): Record<string, unknown> {
  const p: Record<string, unknown> = { cart_id: cart.id, variant_id: variant, quantity }
  if (line?.product_id) p.product_id = line.product_id
  const price = exactAmount(line?.unit_price)
  if (price !== null) p.unit_price = price
  if (cart.currency_code) p.currency_code = cart.currency_code.toLowerCase()
  p.category_ids = distinct(line?.category_ids ?? [])
  p.category_handles = distinct(line?.category_handles ?? [])
  if (line?.collection_id) p.collection_id = line.collection_id
  return p
}
