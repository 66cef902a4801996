import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { updateCartPromotionsWorkflow } from "@medusajs/medusa/core-flows"
import { promotionHoldoutContext } from "../../lib/experiments/promotion-holdout"

/**
 * Experiments (#8): when Medusa prices a cart's promotions, a customer in the control arm of a running promotion
 * experiment is priced as if outside the segment's group (see lib/experiments/promotion-holdout.ts). Returns an
 * empty override for everyone else; never throws into the cart flow.
 */
updateCartPromotionsWorkflow.hooks.setPromotionContext(async ({ cart }, { container }) => {
  const override = await promotionHoldoutContext(container, cart as never)
  return new StepResponse(override ?? {})
})
