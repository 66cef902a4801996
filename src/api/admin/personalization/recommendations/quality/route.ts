import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { runQualityReport } from "../../../../../lib/recommendations/quality"
import type { AdminRecommendationQualityQueryType } from "../../../../store/personalization/recommendations/validators"

/**
 * GET /admin/personalization/recommendations/quality?k=10&split_days=30
 * P@k, R@k and NDCG@k of our recommender and of a best-seller baseline, on the store's own orders: the last
 * `split_days` days are predicted from everything before.
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const q = (req as unknown as { validatedQuery: AdminRecommendationQualityQueryType }).validatedQuery
  const report = await runQualityReport(req.scope, { k: q.k, split_days: q.split_days })
  res.json({ report })
}
