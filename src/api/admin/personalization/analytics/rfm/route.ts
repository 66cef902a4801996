import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { rfmDistribution } from "../../../../../lib/analytics/rfm"

/** Customers per RFM group (live from the profiles), the cut-offs in force, score histograms, last computed. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json({ rfm: await rfmDistribution(req.scope) })
}
