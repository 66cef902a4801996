// Products for a placement variant whose content is `recommendations: { strategy, limit }`, served by the
// recommender (lib/recommendations). A section never fails because of it: any error (including a 404 the
// recommender would give a recommendations call) is logged and the section gets no products.
import type { MedusaRequest } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { recommendFor } from "../recommendations"
import type { StoreSubject } from "../privacy/subject"
import type { RecommendationStrategy } from "./placement-content"
import type { PricedProduct, StoreContext } from "./priced-products"

/** A recommended product carries why it was picked: bought_together, viewed_together, segment_bestseller, popular. */
export type RecommendedProduct = PricedProduct & { reason: string }

export async function recommendedProducts(
  req: MedusaRequest,
  ctx: StoreContext,
  subject: StoreSubject,
  input: { strategy: RecommendationStrategy; limit: number }
): Promise<RecommendedProduct[]> {
  try {
    const result = await recommendFor(req.scope, subject, { strategy: input.strategy, limit: input.limit, store: ctx })
    return result.items.map((item) => ({ ...item.product, reason: item.reason }))
  } catch (err) {
    req.scope
      .resolve<{ warn(message: string): void }>(ContainerRegistrationKeys.LOGGER)
      .warn(`personalization: recommendations for a section failed, serving none: ${(err as Error)?.message ?? err}`)
    return []
  }
}
