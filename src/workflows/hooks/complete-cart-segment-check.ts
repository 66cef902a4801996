import { completeCartWorkflow } from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { staleSegmentDiscounts, type CartForCheck, type StaleDiscount } from "../../lib/stale-segment-discounts"

/** The message a storefront shows; README and docs/store-api.md quote it. */
export function staleDiscountMessage(stale: StaleDiscount[]): string {
  return `Cart changed, please review: ${stale.map((s) => s.code).join(", ")} no longer applies to this customer. Refresh the cart to see the new total.`
}

/**
 * Refuses to complete a cart that still carries a discount of a segment the customer has LEFT (their exit removed
 * them from the managed group after the cart was priced and the re-pricing did not reach this cart). The customer's
 * groups and memberships are queried by customer id — the completion workflow's cart does not carry
 * `customer.groups`. The storefront re-fetches the cart (any cart write re-prices it) and shows the new total.
 * When the check cannot decide (any error), it logs with context and allows: personalization never blocks a
 * checkout it should allow.
 */
completeCartWorkflow.hooks.validate(async ({ cart }, { container }) => {
  const c = cart as unknown as CartForCheck
  let stale: StaleDiscount[] = []
  try {
    stale = await staleSegmentDiscounts(container, c)
  } catch (e) {
    const promotions = (c.promotions ?? []).filter(Boolean).map((p) => p!.id)
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(
        `personalization: segment discount check skipped, checkout allowed (cart ${c.id}, customer ${c.customer_id ?? c.customer?.id ?? "guest"}, promotions ${promotions.join(",") || "none"}): ${(e as Error).message}`
      )
    return
  }
  if (stale.length) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, staleDiscountMessage(stale))
})
