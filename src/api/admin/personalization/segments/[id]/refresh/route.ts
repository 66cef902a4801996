import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { refreshSegment } from "../../../../../../lib/segments/refresh-segments"

/**
 * Batch-refreshes one segment now and answers with the finished refresh: its state (counts, timings) plus
 * member_count and the group changes. A draft or archived segment is a no-op (it has no members to find;
 * stale stays, if any, are closed). 404 for an unknown segment.
 */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const refresh = await refreshSegment(req.scope, req.params.id)
  res.json({ refresh })
}
