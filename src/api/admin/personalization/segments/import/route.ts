import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { describeDocumentPlan, planDocumentImport } from "../../../../../lib/segments/as-code/plan"
import { importSegmentsWorkflow } from "../../../../../workflows/segments/import-segments"
import { actorOf } from "../../../../../lib/privacy/audit"
import { withConflicts } from "../../../../utils/conflict"
import type { AdminImportSegmentsType } from "./validators"

/**
 * POST /admin/personalization/segments/import — segments as code. Segments and placements are matched by handle
 * (placement variants by name): new ones are created, differing ones updated, the rest left alone; placements after
 * the segments, with segment / product / collection / category handles resolved to this store's ids.
 * `dry_run: true` answers the same diff without writing. Nothing the document does not mention is ever deleted.
 */
export const POST = withConflicts(async (req: AuthenticatedMedusaRequest<AdminImportSegmentsType>, res: MedusaResponse) => {
  const body = req.validatedBody
  const doc = { segments: body.segments, placements: body.placements ?? [] }
  if (body.dry_run) {
    const plan = await planDocumentImport(req.scope, doc)
    res.json({ dry_run: true, ...describeDocumentPlan(plan), notes: [] })
    return
  }
  const { result } = await importSegmentsWorkflow(req.scope).run({ input: { ...doc, actor: actorOf(req) } })
  res.json({ dry_run: false, ...result, notes: [] })
})
