import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { churnStatus, presentRun, runChurnTraining } from "../../../../../../lib/analytics/churn-run"

/**
 * Trains the churn model now (what the weekly job does) and answers with the run — `trained` with its AUC, or
 * `insufficient_data` with the reason (churn_risk then stays null) — and the segments refreshed because of it.
 */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const result = await runChurnTraining(req.scope)
  res.json({
    run: presentRun(result.run),
    scored_profiles: result.scored,
    cleared_profiles: result.cleared,
    segments_refreshed: result.segments_refreshed,
    segments_failed: result.segments_failed,
    churn: await churnStatus(req.scope),
  })
}
