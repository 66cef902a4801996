import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { acknowledgeSegmentAlertWorkflow } from "../../../../../../workflows/analytics/drift"

/** Marks an alert as seen (idempotent: a second call keeps the first acknowledgement time). 404 for an unknown id. */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { result } = await acknowledgeSegmentAlertWorkflow(req.scope).run({ input: { alert_id: req.params.id } })
  res.json({ alert: { id: result.id, acknowledged_at: result.acknowledged_at } })
}
