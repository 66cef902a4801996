// Turns Medusa facts into the profile columns the rule catalogue reads.
import { computeCartTraits, computeOrderTraits, nextAbandonmentAt } from "../../core/traits"
import type { TraitCatalog } from "../../core/rules"
import type { CustomerFacts } from "./load-facts"

export interface ProfileTraits {
  customer_id: string
  orders_count: number
  total_spent: string
  aov: string
  currency_code: string
  first_order_at: Date | null
  last_order_at: Date | null
  carts_created: number
  carts_abandoned: number
  abandonment_rate: number
  country: string | null
  has_account: boolean
  email_domain: string | null
  customer_created_at: Date | null
  /** Merged over the existing jsonb traits (keys the pipeline does not own are kept). */
  traits: Record<string, unknown>
}

export function buildProfileTraits(
  facts: CustomerFacts,
  opts: { currency: string; now: Date; abandonmentMinutes: number; catalog: TraitCatalog; metadataTraits: string[] }
): { traits: ProfileTraits; cartsChangeAt: Date | null } {
  const orders = computeOrderTraits(facts.orders, { currency: opts.currency })
  const carts = computeCartTraits(facts.carts, opts.now, opts.abandonmentMinutes)
  const metadata: Record<string, unknown> = {}
  for (const name of opts.metadataTraits) {
    const value = facts.metadata?.[name]
    if (value !== undefined && opts.catalog.has(name)) metadata[name] = value
  }
  const domain = facts.email?.includes("@") ? facts.email.split("@").pop()!.toLowerCase() : null
  return {
    traits: {
      customer_id: facts.customer_id,
      orders_count: orders.orders_count,
      total_spent: orders.total_spent,
      aov: orders.aov,
      currency_code: orders.currency_code,
      first_order_at: orders.first_order_at,
      last_order_at: orders.last_order_at,
      carts_created: carts.carts_created,
      carts_abandoned: carts.carts_abandoned,
      abandonment_rate: carts.abandonment_rate,
      country: facts.country,
      has_account: facts.has_account,
      email_domain: domain,
      customer_created_at: facts.created_at,
      traits: {
        categories_bought: orders.categories_bought,
        products_bought: orders.products_bought,
        group_ids: facts.group_ids,
        spent_by_currency: orders.spent_by_currency,
        orders_by_currency: orders.orders_by_currency,
        ...metadata,
      },
    },
    cartsChangeAt: nextAbandonmentAt(facts.carts, opts.now, opts.abandonmentMinutes),
  }
}
