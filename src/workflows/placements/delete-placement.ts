import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { retrievePlacementStep } from "./steps/retrieve-placement"
import { deletePlacementStep } from "./steps/placement-writes"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"

/** Deletes a placement and its variants (soft delete; the handle becomes free again). */
export const deletePlacementWorkflow = createWorkflow(
  "personalization-delete-placement",
  (input: { id: string; actor?: AuditActor }) => {
    const placement = retrievePlacementStep({ id: input.id })
    deletePlacementStep({ id: input.id })
    recordAuditStep(
      transform({ input, placement }, ({ input, placement }) => ({
        entries: [
          {
            ...(input.actor ?? SYSTEM_ACTOR),
            action: "placement.deleted",
            target_type: "placement",
            target_id: input.id,
            details: { handle: placement.handle },
          },
        ],
      }))
    )
    return new WorkflowResponse({ id: input.id, object: "placement", deleted: true })
  }
)
