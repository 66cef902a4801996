import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../modules/personalization/service"
import { createPlacementWorkflow } from "../../../../workflows/placements"
import { actorOf } from "../../../../lib/privacy/audit"
import { withConflicts } from "../../../utils/conflict"
import { retrievePlacementResponse, withSortedVariants } from "./helpers"
import type { AdminCreatePlacementType, AdminListPlacementsType } from "./validators"

export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { limit, offset, q, order } = req.validatedQuery as unknown as AdminListPlacementsType
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)
  const filters: Record<string, unknown> = {}
  if (q) filters.q = q
  const [placements, count] = await service.listAndCountPlacements(filters, {
    skip: offset,
    take: limit,
    relations: ["variants"],
    order: { [order.replace(/^-/, "")]: order.startsWith("-") ? "DESC" : "ASC", id: "ASC" },
  })
  res.json({ placements: placements.map(withSortedVariants), count, limit, offset })
}

export const POST = withConflicts(
  async (req: AuthenticatedMedusaRequest<AdminCreatePlacementType>, res: MedusaResponse) => {
    const { result } = await createPlacementWorkflow(req.scope).run({ input: { ...req.validatedBody, actor: actorOf(req) } })
    res.status(201).json({ placement: await retrievePlacementResponse(req.scope, result.id) })
  }
)
