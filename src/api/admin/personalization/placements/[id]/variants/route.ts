import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createPlacementVariantWorkflow } from "../../../../../../workflows/placements"
import { actorOf } from "../../../../../../lib/privacy/audit"
import type { PlacementVariantInputType } from "../../../../../../lib/storefront/placement-content"
import { retrievePlacementResponse } from "../../helpers"

/** Adds a variant; answers the variant and the placement with all its variants. */
export const POST = async (req: AuthenticatedMedusaRequest<PlacementVariantInputType>, res: MedusaResponse) => {
  const { result } = await createPlacementVariantWorkflow(req.scope).run({
    input: { ...req.validatedBody, placement_id: req.params.id, actor: actorOf(req) },
  })
  res.status(201).json({ variant: result, placement: await retrievePlacementResponse(req.scope, req.params.id) })
}
