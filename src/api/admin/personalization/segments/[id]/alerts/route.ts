import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { listAlerts } from "../../../../../../lib/analytics/alerts"
import { sql } from "../../../../../../lib/db/raw-sql"
import { notFound } from "../../../../../../lib/errors"
import type { AdminListAlertsType } from "../../../alerts/validators"

/** One segment's drift alerts, newest first. 404 for an unknown segment. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const [segment] = await sql<{ id: string }>(
    req.scope,
    `SELECT id FROM personalization_segment WHERE id = $1 AND deleted_at IS NULL`,
    [req.params.id]
  )
  if (!segment) throw notFound("Segment", req.params.id)
  const q = req.validatedQuery as unknown as Omit<AdminListAlertsType, "segment_id">
  res.json(await listAlerts(req.scope, { ...q, segment_id: segment.id }))
}
