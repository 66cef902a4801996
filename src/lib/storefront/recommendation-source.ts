// Products for a placement variant whose content is `recommendations: { strategy, limit }`.
// TODO(#6 point 3): serve these from the recommender (src/lib/recommendations) once it exists; until then a
// recommendations variant resolves with no products (the section still returns its title, image and CTA).
import type { MedusaRequest } from "@medusajs/framework/http"
import type { StoreSubject } from "../privacy/subject"
import type { RecommendationStrategy } from "./placement-content"
import type { PricedProduct, StoreContext } from "./priced-products"

export type RecommendedProduct = PricedProduct & { reason?: string }

export async function recommendedProducts(
  _req: MedusaRequest,
  _ctx: StoreContext,
  _subject: StoreSubject,
  _input: { strategy: RecommendationStrategy; limit: number }
): Promise<RecommendedProduct[]> {
  return []
}
