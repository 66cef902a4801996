import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { retrievePlacementStep } from "./steps/retrieve-placement"
import { assertPlacementHandleFreeStep } from "./steps/assert-placement-handle-free"
import { updatePlacementStep } from "./steps/placement-writes"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"

export type UpdatePlacementInput = { id: string; handle?: string; description?: string | null; actor?: AuditActor }

/** Renames or re-describes a placement (404 unknown, 409 handle taken); a no-op writes nothing, not even an audit row. */
export const updatePlacementWorkflow = createWorkflow("personalization-update-placement", (input: UpdatePlacementInput) => {
  const existing = retrievePlacementStep({ id: input.id })
  when("placement-handle-changed", { input, existing }, ({ input, existing }) => !!input.handle && input.handle !== existing.handle).then(
    () => {
      assertPlacementHandleFreeStep(transform({ input }, ({ input }) => ({ handle: input.handle!, except_id: input.id })))
    }
  )
  const updated = updatePlacementStep(
    transform({ input }, ({ input }) => ({ id: input.id, handle: input.handle, description: input.description }))
  )
  recordAuditStep(
    transform({ input, existing, updated }, ({ input, existing, updated }) => ({
      entries: updated.changed.length
        ? [
            {
              ...(input.actor ?? SYSTEM_ACTOR),
              action: "placement.updated",
              target_type: "placement",
              target_id: input.id,
              details: {
                handle: updated.placement.handle,
                fields: updated.changed,
                ...(updated.changed.includes("handle") ? { previous_handle: existing.handle } : {}),
              },
            },
          ]
        : [],
    }))
  )
  return new WorkflowResponse(transform({ updated }, ({ updated }) => ({ id: updated.placement.id, changed: updated.changed })))
})
