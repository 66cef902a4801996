import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { buildSegmentsDocument } from "../../../../../lib/segments/as-code/document"

/** GET /admin/personalization/segments/export — all segments and placements as one stable JSON document. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json(await buildSegmentsDocument(req.scope))
}
