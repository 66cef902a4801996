import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deleteSegmentWorkflow, updateSegmentWorkflow } from "../../../../../workflows/segments"
import { withConflicts } from "../../../../utils/conflict"
import { retrieveSegmentResponse } from "../helpers"
import { actorOf } from "../../../../../lib/privacy/audit"
import type { AdminUpdateSegmentType } from "../validators"

export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json({ segment: await retrieveSegmentResponse(req.scope, req.params.id) })
}

export const POST = withConflicts(
  async (req: AuthenticatedMedusaRequest<AdminUpdateSegmentType>, res: MedusaResponse) => {
    await updateSegmentWorkflow(req.scope).run({ input: { ...req.validatedBody, id: req.params.id, actor: actorOf(req) } })
    res.json({ segment: await retrieveSegmentResponse(req.scope, req.params.id) })
  }
)

export const DELETE = withConflicts(async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { result } = await deleteSegmentWorkflow(req.scope).run({ input: { id: req.params.id, actor: actorOf(req) } })
  res.json(result)
})
