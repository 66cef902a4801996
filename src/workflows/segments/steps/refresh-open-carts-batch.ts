import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, PromotionActions } from "@medusajs/framework/utils"
import { updateCartPromotionsWorkflow } from "@medusajs/medusa/core-flows"
import { findGatedOffers } from "../../../lib/gated-offers"
import { REFRESH_BATCH_SIZE } from "./apply-segment-refresh"

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
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    let refreshed = 0
    for (let i = 0; i < ids.length; i += REFRESH_BATCH_SIZE) {
      const { data: carts } = await query.graph({
        entity: "cart",
        fields: ["id", "completed_at"],
        filters: { customer_id: ids.slice(i, i + REFRESH_BATCH_SIZE) },
      })
      for (const cart of carts.filter((c: { completed_at?: unknown }) => !c.completed_at)) {
        try {
          await updateCartPromotionsWorkflow(container).run({ input: { cart_id: cart.id, promo_codes: [], action: PromotionActions.ADD } })
          refreshed++
        } catch (e) {
          logger.warn(`personalization: could not re-price cart ${cart.id} after a segment refresh: ${(e as Error).message}`)
        }
      }
    }
    return new StepResponse({ refreshed })
  }
)
