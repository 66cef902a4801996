import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
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
import { loadActiveSegments, type ActiveSegment } from "../../../lib/profile/load-subject"

export type ComputedTraits = {
  customer_id: string
  exists: boolean
  /** All traits (full scope) or only the account columns (account scope; order/cart columns stay as stored). */
  traits: ProfileTraits | AccountTraits | null
  cartsChangeAt: Date | null
  /** Account scope: the stored profile row it started from (the upsert step needs no second read). */
  existing?: Record<string, unknown> | null
  /** The active segments, read alongside the customer (the planner needs no second round trip for them). */
  segments?: ActiveSegment[]
}

/**
 * What a refresh recomputes. "full": orders, carts and account. "account": the customer record only — for
 * `customer.updated` (updateCustomersWorkflow changes account fields, never orders or carts), when the stored
 * profile already holds what the orders contribute (it falls back to "full" otherwise).
 */
export type RefreshScope = "full" | "account"

/** Reads the customer's orders, carts and account from Medusa and computes their traits. Read-only. */
export const computeCustomerTraitsStep = createStep(
  "personalization-compute-customer-traits",
  async (input: { customer_id: string; now: Date; scope?: RefreshScope }, { container }) => {
    traceMark(input.customer_id, "compute:start")
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const options = service.getOptions()
    const traitOpts = { catalog: service.getCatalog(), metadataTraits: Object.keys(options.metadataTraits) }
    // Independent of the customer: read in parallel with the customer's data.
    const segmentsRead = loadActiveSegments(service)
    segmentsRead.catch(() => {}) // awaited below on every path that returns normally
    if (input.scope === "account") {
      // The account and the stored profile at once; the account read is wasted only when falling back to "full".
      const [[existing], account] = await Promise.all([
        service.listCustomerProfiles({ customer_id: input.customer_id }, { take: 1 }),
        loadCustomerAccount(container, input.customer_id),
      ])
      const stored = (existing?.traits ?? null) as Record<string, unknown> | null
      if (existing && stored && ORDER_COUNTRY_KEY in stored) {
        const segments = await segmentsRead
        traceMark(input.customer_id, "compute:loaded")
        if (!account) {
          return new StepResponse<ComputedTraits>({ customer_id: input.customer_id, exists: false, traits: null, cartsChangeAt: null })
        }
        const orderCountry = typeof stored[ORDER_COUNTRY_KEY] === "string" ? (stored[ORDER_COUNTRY_KEY] as string) : null
        traceMark(input.customer_id, "compute:end")
        return new StepResponse<ComputedTraits>({
          customer_id: input.customer_id,
          exists: true,
          traits: buildAccountTraits(account, orderCountry, traitOpts),
          // Orders and carts did not change: keep whatever change was scheduled (e.g. a cart's abandonment
          // instant) — an early wake-up only re-evaluates, a lost one would miss an exit.
          cartsChangeAt: (existing.next_change_at as Date | null) ?? null,
          existing: existing as unknown as Record<string, unknown>,
          segments,
        })
      }
    }
    const [facts, currency, segments] = await Promise.all([
      loadCustomerFacts(container, [input.customer_id]),
      loadDefaultCurrency(container),
      segmentsRead,
    ])
    const customer = facts.get(input.customer_id)
    traceMark(input.customer_id, "compute:loaded")
    if (!customer) {
      return new StepResponse<ComputedTraits>({ customer_id: input.customer_id, exists: false, traits: null, cartsChangeAt: null })
    }
    const { traits, cartsChangeAt } = buildProfileTraits(customer, {
      currency,
      now: new Date(input.now),
      abandonmentMinutes: options.abandonmentMinutes,
      ...traitOpts,
    })
    traceMark(input.customer_id, "compute:end")
    return new StepResponse<ComputedTraits>({ customer_id: input.customer_id, exists: true, traits, cartsChangeAt, segments })
  }
)
