import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deletePlacementWorkflow, updatePlacementWorkflow } from "../../../../../workflows/placements"
import { actorOf } from "../../../../../lib/privacy/audit"
import { withConflicts } from "../../../../utils/conflict"
import { retrievePlacementResponse } from "../helpers"
import type { AdminUpdatePlacementType } from "../validators"

export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json({ placement: await retrievePlacementResponse(req.scope, req.params.id) })
}

export const POST = withConflicts(
  async (req: AuthenticatedMedusaRequest<AdminUpdatePlacementType>, res: MedusaResponse) => {
    await updatePlacementWorkflow(req.scope).run({ input: { ...req.validatedBody, id: req.params.id, actor: actorOf(req) } })
    res.json({ placement: await retrievePlacementResponse(req.scope, req.params.id) })
  }
)

export const DELETE = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { result } = await deletePlacementWorkflow(req.scope).run({ input: { id: req.params.id, actor: actorOf(req) } })
  res.json(result)
}
