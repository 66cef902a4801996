import { ContainerRegistrationKeys, PromotionActions } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { updateCartPromotionsWorkflow } from "@medusajs/medusa/core-flows"

const CUSTOMERS_PER_QUERY = 500

/**
 * Medusa does not re-price open carts when a customer's groups change, so a segment-gated automatic promotion
 * would only appear on the next cart write. Re-runs the promotion computation on these customers' open carts.
 * Best effort: a cart that fails is logged and skipped. Returns how many carts were re-priced.
 */
export async function repriceOpenCarts(container: MedusaContainer, customerIds: string[], context: string): Promise<number> {
  const ids = [...new Set(customerIds.filter(Boolean))]
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  let repriced = 0
  for (let i = 0; i < ids.length; i += CUSTOMERS_PER_QUERY) {
    const { data: carts } = await query.graph({
      entity: "cart",
      fields: ["id", "completed_at"],
      filters: { customer_id: ids.slice(i, i + CUSTOMERS_PER_QUERY) },
    })
    for (const cart of carts.filter((c: { completed_at?: unknown }) => !c.completed_at)) {
      try {
        await updateCartPromotionsWorkflow(container).run({ input: { cart_id: cart.id, promo_codes: [], action: PromotionActions.ADD } })
        repriced++
      } catch (e) {
        logger.warn(`personalization: could not re-price cart ${cart.id} after ${context}: ${(e as Error).message}`)
      }
    }
  }
  return repriced
}
