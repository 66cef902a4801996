import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { staleSegmentDiscounts, type CartForCheck } from "../../lib/stale-segment-discounts"

/**
 * Refuses to complete a cart that still carries a segment-gated discount the customer no longer qualifies
 * for (their segment exit removed them from the managed group after the cart was priced). The storefront
 * re-fetches the cart (any cart write re-prices it) and shows the new total. A failure of the check itself
 * never blocks checkout.
 */
completeCartWorkflow.hooks.validate(async ({ cart }, { container }) => {
  let stale: string[] = []
  try {
    stale = await staleSegmentDiscounts(container, cart as unknown as CartForCheck)
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(`personalization: segment discount check skipped for cart ${(cart as { id?: string }).id}: ${(e as Error).message}`)
    return
  }
  if (stale.length) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Cart changed, please review: ${stale.join(", ")} no longer applies to this customer. Refresh the cart to see the new total.`
    )
  }
})
