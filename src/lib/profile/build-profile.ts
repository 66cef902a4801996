// Turns Medusa facts into the profile columns the rule catalogue reads.
import { computeCartTraits, computeOrderTraits, nextAbandonmentAt } from "../../core/traits"
import type { TraitCatalog } from "../../core/rules"
import type { CustomerAccount, CustomerFacts } from "./load-facts"

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

/** The columns that come from the customer record alone (what `customer.updated` can change). */
export type AccountTraits = Pick<ProfileTraits, "customer_id" | "country" | "has_account" | "email_domain" | "customer_created_at" | "traits">

/** jsonb key holding the latest order's shipping country, so an account-only refresh can keep `country` exact. */
export const ORDER_COUNTRY_KEY = "order_country"

/**
 * Account traits from the customer record; `orderCountry` is the latest order's shipping country (it wins over
 * the default address, as in a full computation).
 */
export function buildAccountTraits(
  account: CustomerAccount,
  orderCountry: string | null,
  opts: { catalog: TraitCatalog; metadataTraits: string[] }
): AccountTraits {
  const metadata: Record<string, unknown> = {}
  for (const name of opts.metadataTraits) {
    const value = account.metadata?.[name]
    if (value !== undefined && opts.catalog.has(name)) metadata[name] = value
  }
  return {
    customer_id: account.customer_id,
    country: orderCountry ?? account.country,
    has_account: account.has_account,
    email_domain: account.email?.includes("@") ? account.email.split("@").pop()!.toLowerCase() : null,
    customer_created_at: account.created_at,
    traits: { group_ids: account.group_ids, [ORDER_COUNTRY_KEY]: orderCountry, ...metadata },
  }
}

export function buildProfileTraits(
  facts: CustomerFacts,
  opts: { currency: string; now: Date; abandonmentMinutes: number; catalog: TraitCatalog; metadataTraits: string[] }
): { traits: ProfileTraits; cartsChangeAt: Date | null } {
  const orders = computeOrderTraits(facts.orders, { currency: opts.currency })
  const carts = computeCartTraits(facts.carts, opts.now, opts.abandonmentMinutes)
  // facts.country already prefers the latest order's country over the default address.
  const account = buildAccountTraits(facts, facts.order_country, opts)
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
      country: account.country,
      has_account: account.has_account,
      email_domain: account.email_domain,
      customer_created_at: account.customer_created_at,
      traits: {
        categories_bought: orders.categories_bought,
        products_bought: orders.products_bought,
        spent_by_currency: orders.spent_by_currency,
        orders_by_currency: orders.orders_by_currency,
        ...account.traits,
      },
    },
    cartsChangeAt: nextAbandonmentAt(facts.carts, opts.now, opts.abandonmentMinutes),
  }
}
