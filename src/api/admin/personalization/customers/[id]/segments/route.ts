import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../../../modules/personalization/service"
import { requireCustomer } from "../../../members"
import type { AdminListCustomerSegmentsType } from "../../../membership-validators"

type Stay = { id: string; segment_id: string; entered_at: unknown; exited_at: unknown; reason: string | null; exit_reason: string | null }

/**
 * A customer's segments: `current` (every open stay) and `history` (stays newest first, open and closed,
 * paginated), each with the segment's handle/name/status and the reasons for entering and leaving.
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { limit, offset, history } = req.validatedQuery as unknown as AdminListCustomerSegmentsType
  const customer = await requireCustomer(req.scope, req.params.id)
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)
  const [profile] = await service.listCustomerProfiles({ customer_id: customer.id }, { select: ["id"], take: 1 })
  const select = ["id", "segment_id", "entered_at", "exited_at", "reason", "exit_reason"]
  const byCustomer = { customer_id: customer.id }
  const filter =
    history === "open" ? { ...byCustomer, exited_at: null } : history === "closed" ? { ...byCustomer, exited_at: { $ne: null } } : byCustomer
  const [current, [stays, count]] = await Promise.all([
    service.listSegmentMemberships({ ...byCustomer, exited_at: null }, { select, take: null, order: { entered_at: "DESC", id: "ASC" } }),
    service.listAndCountSegmentMemberships(filter, { select, skip: offset, take: limit, order: { entered_at: "DESC", id: "ASC" } }),
  ])
  const segmentIds = [...new Set([...current, ...stays].map((m) => m.segment_id))]
  const segments = segmentIds.length
    ? await service.listSegments({ id: segmentIds }, { select: ["id", "handle", "name", "status"], take: null })
    : []
  const segmentOf = new Map(segments.map((s) => [s.id, { id: s.id, handle: s.handle, name: s.name, status: s.status }]))
  const view = (m: Stay) => ({
    membership_id: m.id,
    segment: segmentOf.get(m.segment_id) ?? { id: m.segment_id, handle: null, name: null, status: null },
    entered_at: m.entered_at,
    exited_at: m.exited_at ?? null,
    reason: m.reason ?? null,
    exit_reason: m.exit_reason ?? null,
  })
  res.json({
    customer,
    profile_id: profile?.id ?? null,
    current: (current as Stay[]).map(view),
    history: (stays as Stay[]).map(view),
    count,
    limit,
    offset,
  })
}
