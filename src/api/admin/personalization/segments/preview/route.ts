import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../../modules/personalization/service"
import { notFound } from "../../../../../lib/errors"
import { canonicalRule } from "../../../../../lib/rules"
import { loadSegmentRefs, resolveRule } from "../../../../../lib/segments/references"
import { type PreviewSampleRow, previewSegment } from "../../../../../lib/segments/segment-preview"
import { findGatedOffers } from "../../../../../lib/gated-offers"
import type { AdminPreviewSegmentType } from "./validators"

/**
 * POST /admin/personalization/segments/preview — a dry run of a rule: who would be in, and (with segment_id) who
 * would enter and leave compared with the segment's open memberships, plus the promotions and price lists gated to
 * that segment's managed group. Set-based and read-only: the batch refresh's own SQL (segmentSetSql: the compiled
 * rule and the same consent gate) in one read-only SELECT (previewSegment: segmentPreviewSql with a statement-local
 * work_mem), then the samples' customers and the gated
 * offers concurrently; nothing is written. The rule is previewed as if the segment were active, whatever its status.
 */
export const POST = async (req: AuthenticatedMedusaRequest<AdminPreviewSegmentType>, res: MedusaResponse) => {
  const started = Date.now()
  const body = req.validatedBody
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)

  const segment = body.segment_id
    ? (await service.listSegments({ id: body.segment_id }, { select: ["id", "handle", "status", "purpose", "customer_group_id"], take: 1 }))[0]
    : undefined
  if (body.segment_id && !segment) throw notFound("Segment", body.segment_id)

  const catalog = service.getCatalog()
  const canonical = canonicalRule({ rule: body.rule, rule_text: body.rule_text }, catalog)
  // Same refusals as saving the rule (unknown or archived segment('x'), a cycle through this segment), so the editor's
  // live preview shows the error the save would give; references resolve to ids as when the rule is stored.
  const rule = canonical.references.length
    ? resolveRule(
        canonical.rule,
        await loadSegmentRefs(service),
        // previewed as if active; without segment_id the rule belongs to no segment yet (no handle of its own)
        { id: segment?.id ?? null, handle: segment?.handle ?? "", status: "active" },
        body.rule_text !== undefined ? "rule_text" : "rule"
      )
    : canonical.rule

  const purpose = body.purpose ?? segment?.purpose ?? "personalization"
  const now = new Date()
  const counts = await previewSegment(
    req.scope,
    { rule, purpose, segment_id: segment?.id ?? null },
    now,
    { catalog, requireConsent: service.getOptions().consent.required, sampleSize: body.sample_size }
  )

  const [describe, offers] = await Promise.all([
    customerDescriber(req.scope, [...counts.sample, ...counts.entering_sample, ...counts.exiting_sample]),
    segment?.customer_group_id ? findGatedOffers(req.scope, [segment.customer_group_id]) : { promotions: [], price_lists: [] },
  ])

  res.json({
    rule_text: canonical.rule_text,
    purpose,
    evaluated_at: now.toISOString(),
    count: counts.count,
    sample: counts.sample.map(describe),
    ...(segment
      ? {
          entering: { count: counts.entering, sample: counts.entering_sample.map(describe) },
          exiting: { count: counts.exiting, sample: counts.exiting_sample.map(describe) },
        }
      : {}),
    promotions: offers.promotions,
    price_lists: offers.price_lists,
    took_ms: Date.now() - started,
  })
}

/** Sample rows with the customer's email and name (one Customer module call); visitor profiles have none. */
async function customerDescriber(scope: AuthenticatedMedusaRequest["scope"], rows: PreviewSampleRow[]) {
  const ids = [...new Set(rows.map((r) => r.customer_id).filter((id): id is string => !!id))]
  const customers = ids.length
    ? await scope
        .resolve<ICustomerModuleService>(Modules.CUSTOMER)
        .listCustomers({ id: ids }, { select: ["id", "email", "first_name", "last_name"], take: null })
    : []
  const byId = new Map(customers.map((c) => [c.id, c]))
  return (r: PreviewSampleRow) => {
    const c = r.customer_id ? byId.get(r.customer_id) : undefined
    return {
      profile_id: r.id,
      customer_id: r.customer_id,
      email: c?.email ?? null,
      first_name: c?.first_name ?? null,
      last_name: c?.last_name ?? null,
    }
  }
}
