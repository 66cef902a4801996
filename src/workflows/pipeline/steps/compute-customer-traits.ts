import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { loadCustomerFacts, loadDefaultCurrency } from "../../../lib/profile/load-facts"
import { buildProfileTraits, type ProfileTraits } from "../../../lib/profile/build-profile"

export type ComputedTraits = { customer_id: string; exists: boolean; traits: ProfileTraits | null; cartsChangeAt: Date | null }

/** Reads the customer's orders, carts and account from Medusa and computes their traits. Read-only. */
export const computeCustomerTraitsStep = createStep(
  "personalization-compute-customer-traits",
  async (input: { customer_id: string; now: Date }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const options = service.getOptions()
    const [facts, currency] = await Promise.all([
      loadCustomerFacts(container, [input.customer_id]),
      loadDefaultCurrency(container),
    ])
    const customer = facts.get(input.customer_id)
    if (!customer) {
      return new StepResponse<ComputedTraits>({ customer_id: input.customer_id, exists: false, traits: null, cartsChangeAt: null })
    }
    const { traits, cartsChangeAt } = buildProfileTraits(customer, {
      currency,
      now: new Date(input.now),
      abandonmentMinutes: options.abandonmentMinutes,
      catalog: service.getCatalog(),
      metadataTraits: Object.keys(options.metadataTraits),
    })
    return new StepResponse<ComputedTraits>({ customer_id: input.customer_id, exists: true, traits, cartsChangeAt })
  }
)
