import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findGatedOffers } from "../../../lib/gated-offers"
import { repriceOpenCarts } from "../../../lib/pipeline/reprice-open-carts"

/**
 * The batch twin of pipeline/steps/refresh-open-carts: re-runs the promotion computation on the open carts of
 * the customers whose membership changed, so a segment-gated automatic promotion appears or disappears now.
 * Skipped when no promotion gates on the segment's group. Best effort: a failing cart is logged and skipped.
 */
export const refreshOpenCartsBatchStep = createStep(
  "personalization-refresh-open-carts-batch",
  async (input: { customer_group_id: string | null; customer_ids: string[] }, { container }) => {
    const ids = [...new Set(input.customer_ids.filter(Boolean))]
    if (!input.customer_group_id || !ids.length) return new StepResponse({ refreshed: 0 })
    const { promotions } = await findGatedOffers(container, [input.customer_group_id])
    if (!promotions.length) return new StepResponse({ refreshed: 0 })
    const refreshed = await repriceOpenCarts(container, ids, "a segment refresh")
    return new StepResponse({ refreshed })
  }
)
