import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../modules/personalization/service"
import { createSegmentWorkflow } from "../../../../workflows/segments"
import { withConflicts } from "../../../utils/conflict"
import { presentSegments, retrieveSegmentResponse } from "./helpers"
import { actorOf } from "../../../../lib/privacy/audit"
import type { AdminCreateSegmentType, AdminListSegmentsType } from "./validators"

export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { limit, offset, status, q, order } = req.validatedQuery as unknown as AdminListSegmentsType
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)
  const filters: Record<string, unknown> = {}
  if (status) filters.status = status
  if (q) filters.q = q
  const direction = order.startsWith("-") ? "DESC" : "ASC"
  const [segments, count] = await service.listAndCountSegments(filters, {
    skip: offset,
    take: limit,
    order: { [order.replace(/^-/, "")]: direction, id: "ASC" },
  })
  res.json({ segments: await presentSegments(req.scope, segments), count, limit, offset })
}

export const POST = withConflicts(
  async (req: AuthenticatedMedusaRequest<AdminCreateSegmentType>, res: MedusaResponse) => {
    const { result } = await createSegmentWorkflow(req.scope).run({ input: { ...req.validatedBody, actor: actorOf(req) } })
    res.status(201).json({ segment: await retrieveSegmentResponse(req.scope, result.id) })
  }
)
