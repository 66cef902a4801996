import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { listAlerts } from "../../../../lib/analytics/alerts"
import type { AdminListAlertsType } from "./validators"

/** Drift alerts of every segment (filter: segment_id, acknowledged, metric), newest first. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json(await listAlerts(req.scope, req.validatedQuery as unknown as AdminListAlertsType))
}
