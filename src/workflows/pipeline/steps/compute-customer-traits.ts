import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { loadCustomerAccount, loadCustomerFacts, loadDefaultCurrency } from "../../../lib/profile/load-facts"
import {
  buildAccountTraits,
  buildProfileTraits,
  ORDER_COUNTRY_KEY,
  type AccountTraits,
  type ProfileTraits,
} from "../../../lib/profile/build-profile"
import { traceMark } from "../../../lib/pipeline/trace"
import { rawReads, type ActiveSegment } from "../../../lib/profile/load-subject"
import { readStoredFacts } from "../../../lib/behaviour/server-facts"
import { reconcileServerFacts, type FactChanges, type StoredFact } from "../../../core/behaviour"

export type ComputedTraits = {
  customer_id: string
  exists: boolean
  /** All traits (full scope) or only the account columns (account scope; order/cart columns stay as stored). */
  traits: ProfileTraits | AccountTraits | null
  cartsChangeAt: Date | null
  /** The stored profile row it started from (null: none; the writer needs no second read). */
  existing?: Record<string, unknown> | null
  /** The active segments, read alongside the customer (the planner needs no second round trip for them). */
  segments?: ActiveSegment[]
  /**
   * Full scope: the server-side behaviour facts (order and cart facts) to write so they match Medusa's data, and the
   * stored ones they were reconciled with. Absent for an account-only refresh (orders and carts were not read).
   */
  facts?: { changes: FactChanges; stored: StoredFact[] }
}

/**
 * What a refresh recomputes. "full": orders, carts and account. "account": the customer record only — for
 * `customer.updated` (updateCustomersWorkflow changes account fields, never orders or carts), when the stored
 * profile already holds what the orders contribute (it falls back to "full" otherwise).
 */
export type RefreshScope = "full" | "account"

type Container = MedusaContainer

/** Reads the customer's orders, carts and account from Medusa and computes their traits. Read-only. */
export async function computeCustomerTraits(
  container: Container,
  input: { customer_id: string; now: Date; scope?: RefreshScope }
): Promise<ComputedTraits> {
  traceMark(input.customer_id, "compute:start")
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const options = service.getOptions()
  const traitOpts = { catalog: service.getCatalog(), metadataTraits: Object.keys(options.metadataTraits) }
  // Independent of the customer: read in parallel with the customer's data.
  const segmentsRead = rawReads.activeSegments(container)
  segmentsRead.catch(() => {}) // awaited below on every path that returns normally
  let stored: Record<string, unknown> | null | undefined // undefined: not read yet
  if (input.scope === "account") {
    // The account and the stored profile at once; the account read is wasted only when falling back to "full".
    const [existing, account] = await Promise.all([
      rawReads.customerProfile(container, input.customer_id),
      loadCustomerAccount(container, input.customer_id),
    ])
    stored = existing
    const storedTraits = (existing?.traits ?? null) as Record<string, unknown> | null
    if (existing && storedTraits && ORDER_COUNTRY_KEY in storedTraits) {
      const segments = await segmentsRead
      traceMark(input.customer_id, "compute:loaded")
      if (!account) {
        return { customer_id: input.customer_id, exists: false, traits: null, cartsChangeAt: null, existing: stored, segments }
      }
      const orderCountry = typeof storedTraits[ORDER_COUNTRY_KEY] === "string" ? (storedTraits[ORDER_COUNTRY_KEY] as string) : null
      traceMark(input.customer_id, "compute:end")
      return {
        customer_id: input.customer_id,
        exists: true,
        traits: buildAccountTraits(account, orderCountry, traitOpts),
        // Orders and carts did not change: keep whatever change was scheduled (e.g. a cart's abandonment
        // instant) — an early wake-up only re-evaluates, a lost one would miss an exit.
        cartsChangeAt: (existing.next_change_at as Date | null) ?? null,
        existing,
        segments,
      }
    }
  }
  const [facts, currency, segments, existing, storedFacts] = await Promise.all([
    loadCustomerFacts(container, [input.customer_id]),
    loadDefaultCurrency(container),
    segmentsRead,
    stored !== undefined
      ? stored
      : rawReads.customerProfile(container, input.customer_id),
    readStoredFacts(container, [input.customer_id]),
  ])
  const customer = facts.get(input.customer_id)
  traceMark(input.customer_id, "compute:loaded")
  if (!customer) {
    return { customer_id: input.customer_id, exists: false, traits: null, cartsChangeAt: null, existing, segments }
  }
  const { traits, cartsChangeAt } = buildProfileTraits(customer, {
    currency,
    now: new Date(input.now),
    abandonmentMinutes: options.abandonmentMinutes,
    ...traitOpts,
  })
  const recorded = storedFacts.get(input.customer_id) ?? []
  const changes = reconcileServerFacts({
    orders: customer.orders,
    carts: customer.carts,
    stored: recorded,
    currency,
    now: new Date(input.now),
  })
  traceMark(input.customer_id, "compute:end")
  return { customer_id: input.customer_id, exists: true, traits, cartsChangeAt, existing, segments, facts: { changes, stored: recorded } }
}
