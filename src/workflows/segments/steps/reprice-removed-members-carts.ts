import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findGatedOffers } from "../../../lib/gated-offers"
import { repriceOpenCarts } from "../../../lib/pipeline/reprice-open-carts"

/**
 * Re-prices the open carts of customers just removed from a managed group (a segment archived), so a discount gated
 * to the group leaves those carts now. Skipped when no promotion gates on the group. A recomputation, not a write to
 * undo: best effort (a failing cart is logged and skipped), nothing to compensate.
 */
export const repriceRemovedMembersCartsStep = createStep(
  "personalization-reprice-removed-members-carts",
  async (input: { group_id: string | null; customer_ids: string[] }, { container }) => {
    if (!input.group_id || !input.customer_ids.length) return new StepResponse({ repriced: 0 })
    const { promotions } = await findGatedOffers(container, [input.group_id])
    if (!promotions.length) return new StepResponse({ repriced: 0 })
    return new StepResponse({ repriced: await repriceOpenCarts(container, input.customer_ids, "archiving a segment") })
  }
)
