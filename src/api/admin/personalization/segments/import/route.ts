import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { describePlan, planSegmentImport } from "../../../../../lib/segments/as-code/plan"
import { importSegmentsWorkflow } from "../../../../../workflows/segments/import-segments"
import { actorOf } from "../../../../../lib/privacy/audit"
import { withConflicts } from "../../../../utils/conflict"
import type { AdminImportSegmentsType } from "./validators"

/**
 * POST /admin/personalization/segments/import — segments as code. Segments are matched by handle: new ones are
 * created, differing ones updated, the rest left alone. `dry_run: true` answers the same diff without writing.
 * Segments of the store that the document does not mention are never deleted.
 */
export const POST = withConflicts(async (req: AuthenticatedMedusaRequest<AdminImportSegmentsType>, res: MedusaResponse) => {
  const body = req.validatedBody
  const placements = body.placements?.length ?? 0
  const notes = placements
    ? [`${placements} placement(s) in the document were not imported: importing placements is not supported yet`]
    : []
  if (body.dry_run) {
    const plan = await planSegmentImport(req.scope, body.segments)
    res.json({ dry_run: true, segments: describePlan(plan), notes })
    return
  }
  const { result } = await importSegmentsWorkflow(req.scope).run({ input: { segments: body.segments, actor: actorOf(req) } })
  res.json({ dry_run: false, segments: result, notes })
})
