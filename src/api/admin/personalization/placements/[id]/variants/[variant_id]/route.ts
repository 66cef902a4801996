import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deletePlacementVariantWorkflow, updatePlacementVariantWorkflow } from "../../../../../../../workflows/placements"
import { actorOf } from "../../../../../../../lib/privacy/audit"
import type { PlacementVariantUpdateType } from "../../../../../../../lib/storefront/placement-content"
import { retrievePlacementResponse } from "../../../helpers"

export const POST = async (req: AuthenticatedMedusaRequest<PlacementVariantUpdateType>, res: MedusaResponse) => {
  const { result } = await updatePlacementVariantWorkflow(req.scope).run({
    input: { ...req.validatedBody, placement_id: req.params.id, id: req.params.variant_id, actor: actorOf(req) },
  })
  res.json({ variant: result, placement: await retrievePlacementResponse(req.scope, req.params.id) })
}

export const DELETE = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { result } = await deletePlacementVariantWorkflow(req.scope).run({
    input: { placement_id: req.params.id, id: req.params.variant_id, actor: actorOf(req) },
  })
  res.json(result)
}
