/** Cart-derived traits: a cart with items, untouched for `abandonmentMinutes` and not completed, is abandoned. */
export interface CartFact {
  id: string
  created_at: Date
  updated_at: Date
  completed_at: Date | null
  items_count: number
  // Read for the native cart activity facts (core/behaviour/cart-facts.ts); optional for trait-only callers.
  currency_code?: string | null
  lines?: CartLineFact[]
}

export interface CartLineFact {
  variant_id: string | null
  product_id: string | null
  quantity: number
  /** The line's last write (created or updated): when its current quantity was set. */
  changed_at?: Date | null
  /** Exact decimal string or number, in the cart's currency. */
  unit_price?: number | string | null
  collection_id?: string | null
  category_ids?: string[]
  category_handles?: string[]
}

export interface CartTraits {
  carts_created: number
  carts_abandoned: number
  /** carts_abandoned / carts with items, 0 when there are none. */
  abandonment_rate: number
}

export function isAbandoned(cart: CartFact, now: Date, abandonmentMinutes: number): boolean {
  return (
    cart.items_count > 0 &&
    !cart.completed_at &&
    now.getTime() - cart.updated_at.getTime() >= abandonmentMinutes * 60_000
  )
}

export function computeCartTraits(carts: readonly CartFact[], now: Date, abandonmentMinutes: number): CartTraits {
  const withItems = carts.filter((c) => c.items_count > 0)
  const abandoned = withItems.filter((c) => isAbandoned(c, now, abandonmentMinutes)).length
  return {
    carts_created: carts.length,
    carts_abandoned: abandoned,
    abandonment_rate: withItems.length ? Math.round((abandoned / withItems.length) * 10_000) / 10_000 : 0,
  }
}

/** When the next not-yet-abandoned cart with items would turn abandoned (for exact-time re-evaluation). */
export function nextAbandonmentAt(carts: readonly CartFact[], now: Date, abandonmentMinutes: number): Date | null {
  let next: number | null = null
  for (const c of carts) {
    if (c.items_count === 0 || c.completed_at || isAbandoned(c, now, abandonmentMinutes)) continue
    const at = c.updated_at.getTime() + abandonmentMinutes * 60_000
    if (next === null || at < next) next = at
  }
  return next === null ? null : new Date(next)
}
