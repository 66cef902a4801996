import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { assertPlacementHandleFreeStep } from "./steps/assert-placement-handle-free"
import { validateVariantReferencesStep } from "./steps/validate-variant-references"
import { createPlacementStep, createPlacementVariantsStep } from "./steps/placement-writes"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"
import type { PlacementVariantInputType } from "../../lib/storefront/placement-content"

export type CreatePlacementInput = {
  handle: string
  description?: string | null
  /** Variants to create with the placement (validated by the route with PlacementVariantInput). */
  variants?: PlacementVariantInputType[]
  actor?: AuditActor
}

/** Creates a placement and, optionally, its first variants. A failure removes everything it made. */
export const createPlacementWorkflow = createWorkflow("personalization-create-placement", (input: CreatePlacementInput) => {
  assertPlacementHandleFreeStep({ handle: input.handle })
  validateVariantReferencesStep(
    transform({ input }, ({ input }) => ({
      variants: (input.variants ?? []).map((v, i) => ({ path: `variants.${i}.`, segment_id: v.segment_id, content: v.content })),
    }))
  )
  const placement = createPlacementStep(
    transform({ input }, ({ input }) => ({ handle: input.handle, description: input.description ?? null }))
  )
  const variants = createPlacementVariantsStep(
    transform({ input, placement }, ({ input, placement }) => ({
      placement_id: placement.id,
      variants: (input.variants ?? []).map((v) => ({ ...v, content: v.content as Record<string, unknown> })),
    }))
  )
  recordAuditStep(
    transform({ input, placement, variants }, ({ input, placement, variants }) => ({
      entries: [
        {
          ...(input.actor ?? SYSTEM_ACTOR),
          action: "placement.created",
          target_type: "placement",
          target_id: placement.id,
          details: { handle: placement.handle, variant_ids: variants.map((v) => v.id) },
        },
      ],
    }))
  )
  return new WorkflowResponse(transform({ placement }, ({ placement }) => ({ id: placement.id })))
})
