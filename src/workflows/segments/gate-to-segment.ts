import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { retrieveSegmentStep } from "./steps/retrieve-segment"
import { gatePriceListStep, gatePromotionStep, repriceGroupCartsStep, requireGroup, type GateResult } from "./gate-to-segment-steps"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"

export type GateToSegmentInput = {
  segment_id: string
  /** Exactly one of promotion_id / price_list_id. */
  promotion_id?: string
  price_list_id?: string
  actor?: AuditActor
}

/**
 * Gates an existing promotion or price list to a segment: its managed customer group is added to the
 * offer's `customer.groups.id in [...]` rule (merged with a group rule already there, so other groups keep
 * qualifying). Idempotent: gating twice changes nothing the second time. 404 for an unknown segment, promotion
 * or price list. After gating a promotion, members' open carts are re-priced so an automatic one shows at once.
 */
export const gateToSegmentWorkflow = createWorkflow("personalization-gate-to-segment", (input: GateToSegmentInput) => {
  const segment = retrieveSegmentStep({ id: input.segment_id })
  const group_id = transform({ segment }, ({ segment }) => requireGroup(segment))

  const promotion = when("gate-promotion", { input }, ({ input }) => !!input.promotion_id).then(() => {
    const gated = gatePromotionStep(transform({ input, group_id }, ({ input, group_id }) => ({ promotion_id: input.promotion_id!, group_id })))
    repriceGroupCartsStep(transform({ gated, group_id }, ({ gated, group_id }) => ({ group_id, changed: gated.changed })))
    return gated
  })
  const priceList = when("gate-price-list", { input }, ({ input }) => !input.promotion_id && !!input.price_list_id).then(() =>
    gatePriceListStep(transform({ input, group_id }, ({ input, group_id }) => ({ price_list_id: input.price_list_id!, group_id })))
  )

  const result = transform({ input, segment, group_id, promotion, priceList }, ({ input, segment, group_id, promotion, priceList }) => {
    const gated = (promotion ?? priceList) as GateResult
    return {
      segment_id: segment.id,
      customer_group_id: group_id,
      promotion_id: input.promotion_id ?? null,
      price_list_id: input.promotion_id ? null : input.price_list_id ?? null,
      changed: gated.changed,
      rule: gated.rule,
    }
  })
  recordAuditStep(
    transform({ input, result, segment }, ({ input, result, segment }) => ({
      entries: result.changed
        ? [
            {
              ...(input.actor ?? SYSTEM_ACTOR),
              action: "segment.gated",
              target_type: "segment",
              target_id: segment.id,
              details: {
                handle: segment.handle,
                ...(result.promotion_id ? { promotion_id: result.promotion_id } : { price_list_id: result.price_list_id }),
                customer_group_id: result.customer_group_id,
              },
            },
          ]
        : [],
    }))
  )
  return new WorkflowResponse(result)
})
