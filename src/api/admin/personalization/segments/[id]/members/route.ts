import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../../../modules/personalization/service"
import { notFound } from "../../../../../../lib/errors"
import { customersById } from "../../../members"
import type { AdminListSegmentMembersType } from "../../../membership-validators"

/** Current members (open stays), newest first, with why and since when, and the customer's email. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { limit, offset } = req.validatedQuery as unknown as AdminListSegmentMembersType
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)
  const [segment] = await service.listSegments({ id: req.params.id }, { select: ["id"], take: 1 })
  if (!segment) throw notFound("Segment", req.params.id)
  const [rows, count] = await service.listAndCountSegmentMemberships(
    { segment_id: segment.id, exited_at: null },
    { select: ["id", "profile_id", "customer_id", "entered_at", "reason"], skip: offset, take: limit, order: { entered_at: "DESC", id: "ASC" } }
  )
  const customers = await customersById(req.scope, rows.map((r) => r.customer_id).filter((id): id is string => !!id))
  res.json({
    members: rows.map((r) => ({
      membership_id: r.id,
      profile_id: r.profile_id,
      customer_id: r.customer_id ?? null,
      entered_at: r.entered_at,
      reason: r.reason ?? null,
      customer: (r.customer_id && customers.get(r.customer_id)) || null,
    })),
    count,
    limit,
    offset,
  })
}
