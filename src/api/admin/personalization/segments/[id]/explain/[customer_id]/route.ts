import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../../../../modules/personalization/service"
import { notFound } from "../../../../../../../lib/errors"
import { evaluate, subjectFromProfileRow, type Rule } from "../../../../../../../core/rules"
import { summarizeTrace } from "../../../../../../../core/segments"
import { loadActiveSegments, loadSubject } from "../../../../../../../lib/profile/load-subject"
import { requireCustomer } from "../../../../members"

/**
 * Why is (or isn't) this customer in this segment, now: the evaluator's full trace over the customer's profile
 * (loaded exactly as the real-time pipeline loads it), the consent gate, and the stored membership. `in_sync`
 * is false when the stored membership disagrees with the evaluation (e.g. a time-based change not yet applied).
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)
  const [segment] = await service.listSegments({ id: req.params.id }, { take: 1 })
  if (!segment) throw notFound("Segment", req.params.id)
  const customer = await requireCustomer(req.scope, req.params.customer_id)
  const now = new Date()
  const catalog = service.getCatalog()
  const rule = segment.rule as unknown as Rule
  const [profile] = await service.listCustomerProfiles({ customer_id: customer.id }, { take: 1 })

  const active = await loadActiveSegments(service)
  const forEvents = active.some((s) => s.id === segment.id)
    ? active
    : [...active, { id: segment.id, handle: segment.handle, rule, purpose: segment.purpose, customer_group_id: segment.customer_group_id ?? null }]
  const { subject, openMemberships } = profile
    ? await loadSubject(service, profile as Record<string, any>, forEvents, now, catalog)
    : { subject: subjectFromProfileRow({}, {}, catalog), openMemberships: [] }
  const { match, trace } = evaluate(rule, subject, now, catalog)

  const required = service.getOptions().consent.required
  const consentStatus = subject.consent[segment.purpose] ?? null
  const consented = !required || consentStatus === "granted"
  const open = openMemberships.find((m) => m.segment_id === segment.id)
  const [membership] = open
    ? await service.listSegmentMemberships({ id: open.id }, { select: ["id", "entered_at", "reason"], take: 1 })
    : []
  const shouldBeMember = segment.status === "active" && match && consented

  res.json({
    explanation: {
      segment: { id: segment.id, handle: segment.handle, name: segment.name, status: segment.status, rule_text: segment.rule_text, purpose: segment.purpose },
      customer,
      profile_id: profile?.id ?? null,
      evaluated_at: now.toISOString(),
      match,
      summary: summarizeTrace(trace),
      trace,
      consent: { required, purpose: segment.purpose, status: consentStatus, satisfied: consented },
      should_be_member: shouldBeMember,
      member: !!membership,
      membership: membership ? { id: membership.id, entered_at: membership.entered_at, reason: membership.reason ?? null } : null,
      in_sync: !!membership === shouldBeMember,
    },
  })
}
