import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, PromotionActions } from "@medusajs/framework/utils"
import { updateCartPromotionsWorkflow } from "@medusajs/medusa/core-flows"
import type { ProfilePlan } from "./plan-profile-memberships"

/**
 * Medusa does not re-price open carts when a customer's groups change, so a segment-gated automatic
 * promotion would only appear on the next cart write. Re-run the promotion computation on the customer's
 * open carts now. Best effort: a cart that fails is logged and skipped, never failing the pipeline.
 */
export const refreshOpenCartsStep = createStep(
  "personalization-refresh-open-carts",
  async (input: { plan: ProfilePlan | null }, { container }) => {
    const plan = input.plan
    const touchedGroups = [...(plan?.enter ?? []), ...(plan?.exit ?? [])].some((c) => c.customer_group_id)
    if (!plan?.customer_id || !touchedGroups) return new StepResponse({ refreshed: 0 })
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    const { data: carts } = await query.graph({
      entity: "cart",
      fields: ["id", "completed_at"],
      filters: { customer_id: plan.customer_id },
    })
    let refreshed = 0
    for (const cart of carts.filter((c: { completed_at?: unknown }) => !c.completed_at)) {
      try {
        await updateCartPromotionsWorkflow(container).run({ input: { cart_id: cart.id, promo_codes: [], action: PromotionActions.ADD } })
        refreshed++
      } catch (e) {
        logger.warn(`personalization: could not re-price cart ${cart.id} after a segment change: ${(e as Error).message}`)
      }
    }
    return new StepResponse({ refreshed })
  }
)
