import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findGatedOffers } from "../../../lib/gated-offers"
import { repriceOpenCarts } from "../../../lib/pipeline/reprice-open-carts"
import { customersChangedBy, type AppliedRefresh } from "./apply-segment-refresh"

/**
 * The batch twin of pipeline/steps/refresh-open-carts: re-runs the promotion computation on the open carts of
 * the customers whose membership changed, so a segment-gated automatic promotion appears or disappears now.
 * Skipped when no promotion gates on the segment's group. Best effort: a failing cart is logged and skipped.
 */
export const refreshOpenCartsBatchStep = createStep(
  "personalization-refresh-open-carts-batch",
  async (input: { segment_id: string; customer_group_id: string | null; applied: AppliedRefresh }, { container }) => {
    if (!input.customer_group_id || !(input.applied.entered + input.applied.exited)) return new StepResponse({ refreshed: 0 })
    const { promotions } = await findGatedOffers(container, [input.customer_group_id])
    if (!promotions.length) return new StepResponse({ refreshed: 0 })
    // The changed customers are read back by the run's marks (not carried in step results).
    const ids = await customersChangedBy(container, input.segment_id, input.applied)
    if (!ids.length) return new StepResponse({ refreshed: 0 })
    const refreshed = await repriceOpenCarts(container, ids, "a segment refresh")
    return new StepResponse({ refreshed })
  }
)
