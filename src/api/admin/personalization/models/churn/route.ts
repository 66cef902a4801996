import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { churnStatus } from "../../../../../lib/analytics/churn-run"

/** The churn model: latest run (status, AUC on the holdout, trained_at, sizes), latest trained run, profiles scored. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json({ churn: await churnStatus(req.scope) })
}
