import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { Modules } from "@medusajs/framework/utils"
import { retrievePlacementResponse } from "../../helpers"
import { notFound } from "../../../../../../lib/errors"
import { subjectSegments } from "../../../../../../lib/cache"
import { rankVariants } from "../../../../../../lib/experiments/storefront"
import { allRunningExperiments, subjectKeyOf } from "../../../../../../lib/experiments/expose"
import { assignArm } from "../../../../../../core/stats"
import type { VariantCandidate } from "../../../../../../lib/storefront/pick-variant"
import type { AdminPreviewPlacementType } from "./validators"

type Variant = VariantCandidate & { name: string; content: unknown }

/**
 * What a customer would see in this placement right now, without serving anything: their segments (through
 * the same membership cache and consent gate as the store routes), the variants ranked the way the storefront
 * ranks them (rankVariants: segment variants, then defaults; active only), and running experiments on those
 * variants with the customer's arm. The first variant not held out is the one served. Read-only: no exposure is
 * logged. 404 for an unknown placement or customer.
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { customer_id } = req.validatedQuery as unknown as AdminPreviewPlacementType
  const placement = await retrievePlacementResponse(req.scope, req.params.id)
  const [customer] = await req.scope
    .resolve(Modules.CUSTOMER)
    .listCustomers({ id: customer_id }, { select: ["id", "email", "first_name", "last_name"], take: 1 })
  if (!customer) throw notFound("Customer", customer_id)

  const { profile, served, segments } = await subjectSegments(req.scope, { kind: "customer", customer_id, visitor_id: null })
  const memberOf = new Set(segments.map((s) => s.id))
  const ranked = rankVariants(placement.variants as unknown as Variant[], memberOf)

  // The customer's arm in each running experiment on a ranked variant (the hash the storefront uses; nothing logged).
  const key = subjectKeyOf({ customer_id })!
  const rankedIds = new Set(ranked.map((v) => v.id))
  const experiments = (await allRunningExperiments(req.scope)).filter(
    (x) => x.target_type === "placement_variant" && rankedIds.has(x.target_id)
  )
  const candidates = ranked.map((v) => {
    const arms = experiments
      .filter((x) => x.target_id === v.id)
      .map((x) => ({ experiment_id: x.id, arm: assignArm(key, x.salt, x.holdout_percent) }))
    return {
      id: v.id,
      name: v.name,
      segment_id: v.segment_id,
      priority: v.priority,
      held_out: arms.some((a) => a.arm === "control"),
      experiments: arms,
    }
  })
  const chosen = candidates.find((c) => !c.held_out)
  const variant = chosen ? ranked.find((v) => v.id === chosen.id)! : null

  res.json({
    preview: {
      placement: { id: placement.id, handle: (placement as unknown as { handle: string }).handle },
      customer,
      profile_id: profile?.id ?? null,
      served,
      reason: !profile
        ? "This customer has no personalization profile yet: they get the default variant."
        : !served
          ? "This customer has not consented to personalization: they get the default variant."
          : null,
      segments: segments.map((s) => ({ id: s.id, handle: s.handle, name: s.name, is_public: s.is_public })),
      variant: variant
        ? { id: variant.id, name: variant.name, segment_id: variant.segment_id, priority: variant.priority, targeted: variant.segment_id !== null, content: variant.content }
        : null,
      candidates,
    },
  })
}
