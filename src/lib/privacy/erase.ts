import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { eraseCustomerDataWorkflow } from "../../workflows/privacy/erase-customer-data"

/** Erasure from a subscriber (customer.deleted): logged and swallowed on failure, never thrown at the caller. */
export async function eraseCustomerSafely(container: MedusaContainer, customerId: string, context: string): Promise<boolean> {
  try {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await eraseCustomerDataWorkflow(container).run({
      input: { customer_id: customerId, purposes: service.getOptions().consent.purposes, source: "admin" },
    })
    return true
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`personalization: erasing customer ${customerId} after ${context} failed: ${(e as Error).message}`)
    return false
  }
}
