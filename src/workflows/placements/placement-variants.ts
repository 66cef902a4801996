import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { retrievePlacementStep, retrievePlacementVariantStep } from "./steps/retrieve-placement"
import { validateVariantReferencesStep } from "./steps/validate-variant-references"
import {
  createPlacementVariantsStep,
  deletePlacementVariantStep,
  updatePlacementVariantStep,
} from "./steps/placement-writes"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"
import type { PlacementVariantInputType, PlacementVariantUpdateType } from "../../lib/storefront/placement-content"

/** Adds a variant to a placement (404 unknown placement; 400 naming a segment/product/collection/category that does not exist). */
export const createPlacementVariantWorkflow = createWorkflow(
  "personalization-create-placement-variant",
  (input: PlacementVariantInputType & { placement_id: string; actor?: AuditActor }) => {
    const placement = retrievePlacementStep({ id: input.placement_id })
    validateVariantReferencesStep(
      transform({ input }, ({ input }) => ({ variants: [{ path: "", segment_id: input.segment_id, content: input.content }] }))
    )
    const created = createPlacementVariantsStep(
      transform({ input, placement }, ({ input, placement }) => ({
        placement_id: placement.id,
        variants: [
          {
            name: input.name,
            segment_id: input.segment_id ?? null,
            priority: input.priority,
            status: input.status,
            content: input.content as Record<string, unknown>,
          },
        ],
      }))
    )
    const variant = transform({ created }, ({ created }) => created[0])
    recordAuditStep(
      transform({ input, placement, variant }, ({ input, placement, variant }) => ({
        entries: [
          {
            ...(input.actor ?? SYSTEM_ACTOR),
            action: "placement_variant.created",
            target_type: "placement_variant",
            target_id: variant.id,
            details: { placement_id: placement.id, handle: placement.handle, segment_id: variant.segment_id ?? null },
          },
        ],
      }))
    )
    return new WorkflowResponse(variant)
  }
)

/** Changes a variant; `content`, when given, replaces the whole content. */
export const updatePlacementVariantWorkflow = createWorkflow(
  "personalization-update-placement-variant",
  (input: PlacementVariantUpdateType & { placement_id: string; id: string; actor?: AuditActor }) => {
    retrievePlacementVariantStep({ placement_id: input.placement_id, id: input.id })
    validateVariantReferencesStep(
      transform({ input }, ({ input }) => ({ variants: [{ path: "", segment_id: input.segment_id, content: input.content }] }))
    )
    const result = updatePlacementVariantStep(
      transform({ input }, ({ input }) => ({
        id: input.id,
        name: input.name,
        segment_id: input.segment_id,
        priority: input.priority,
        status: input.status,
        content: input.content as Record<string, unknown> | undefined,
      }))
    )
    recordAuditStep(
      transform({ input, result }, ({ input, result }) => ({
        entries: result.changed.length
          ? [
              {
                ...(input.actor ?? SYSTEM_ACTOR),
                action: "placement_variant.updated",
                target_type: "placement_variant",
                target_id: input.id,
                details: { placement_id: input.placement_id, fields: result.changed },
              },
            ]
          : [],
      }))
    )
    return new WorkflowResponse(transform({ result }, ({ result }) => result.variant))
  }
)

export const deletePlacementVariantWorkflow = createWorkflow(
  "personalization-delete-placement-variant",
  (input: { placement_id: string; id: string; actor?: AuditActor }) => {
    retrievePlacementVariantStep({ placement_id: input.placement_id, id: input.id })
    deletePlacementVariantStep({ id: input.id })
    recordAuditStep(
      transform({ input }, ({ input }) => ({
        entries: [
          {
            ...(input.actor ?? SYSTEM_ACTOR),
            action: "placement_variant.deleted",
            target_type: "placement_variant",
            target_id: input.id,
            details: { placement_id: input.placement_id },
          },
        ],
      }))
    )
    return new WorkflowResponse({ id: input.id, object: "placement_variant", deleted: true })
  }
)
