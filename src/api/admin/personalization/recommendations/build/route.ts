import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { buildProductSimilarityWorkflow } from "../../../../../workflows/recommendations/build-product-similarity"
import type { AdminBuildSimilarityBodyType } from "../../../../store/personalization/recommendations/validators"

/**
 * POST /admin/personalization/recommendations/build — rebuilds product similarity now (the job does it on
 * `recommendations.buildCron`). Optional body overrides the plugin options for this run.
 */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const body = (req as unknown as { validatedBody: AdminBuildSimilarityBodyType }).validatedBody
  const { result } = await buildProductSimilarityWorkflow(req.scope).run({ input: { overrides: body } })
  res.json({ build: result })
}
