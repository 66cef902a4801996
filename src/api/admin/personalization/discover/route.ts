import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { discoverSegments } from "../../../../lib/analytics/discover"
import type { AdminDiscoverType } from "./validators"

/**
 * k-means suggestions over the customers' RFM: k (2–8, by silhouette, or ?k= to force one), the silhouette,
 * and per cluster its size, description, rule and rule_text — ready for POST /admin/personalization/segments,
 * or POST /admin/personalization/discover/segments { cluster, handle }.
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { k } = req.validatedQuery as unknown as AdminDiscoverType
  res.json({ discovery: await discoverSegments(req.scope, { k }) })
}
