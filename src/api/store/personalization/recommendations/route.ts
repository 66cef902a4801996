import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { subjectOf } from "../../../../lib/privacy/subject"
import { resolveStoreContext } from "../../../../lib/storefront/priced-products"
import { recommendFor, type RecommendationStrategy } from "../../../../lib/recommendations/recommend"
import type { StoreRecommendationsQueryType } from "./validators"

/**
 * GET /store/personalization/recommendations
 *   ?product_id=…   similar items (bought / viewed together)
 *   ?context=cart   from the caller's open cart (or `cart_id`)
 *   (neither)       for you: neighbours of what they bought / viewed, minus what they bought
 * Always filled up with the best sellers of the caller's segments, then of the store (cold start).
 * `region_id` (default: the store's default region) prices the products; `limit` 1–50 (default 10).
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const q = (req as unknown as { validatedQuery: StoreRecommendationsQueryType }).validatedQuery
  const subject = subjectOf(req)
  const store = await resolveStoreContext(req, { region_id: q.region_id })
  const strategy: RecommendationStrategy = q.product_id ? "similar" : q.context === "cart" ? "cart" : "for_you"
  const result = await recommendFor(req.scope, subject, {
    strategy,
    limit: q.limit,
    store,
    product_id: q.product_id,
    cart_id: q.cart_id,
  })
  res.json({
    strategy: result.strategy,
    personalized: result.personalized,
    region_id: store.region.id,
    recommendations: result.items.map((i) => ({ reason: i.reason, score: i.score, product: i.product })),
  })
}
