import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { retrieveSegmentStep } from "./steps/retrieve-segment"
import { assertGroupUnreferencedStep } from "./steps/assert-group-unreferenced"
import { assertSegmentUnreferencedStep } from "./steps/assert-segment-unreferenced"
import { emptyManagedGroupStep } from "./steps/empty-managed-group"
import { deleteManagedGroupStep } from "./steps/delete-managed-group"
import { deleteSegmentStep } from "./steps/delete-segment"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"

/**
 * Deletes a segment, its membership history and its managed group — refused (409) while another segment's rule
 * references it or a discount uses the group.
 */
export const deleteSegmentWorkflow = createWorkflow("personalization-delete-segment", (input: { id: string; actor?: AuditActor }) => {
  const segment = retrieveSegmentStep({ id: input.id })
  const group = transform({ segment }, ({ segment }) => ({
    group_id: segment.customer_group_id ?? null,
    segment_handle: segment.handle,
  }))
  assertSegmentUnreferencedStep(
    transform({ segment }, ({ segment }) => ({ segment_id: segment.id, handle: segment.handle, action: "delete" as const }))
  )
  assertGroupUnreferencedStep(group)
  emptyManagedGroupStep(group)
  deleteManagedGroupStep(group)
  deleteSegmentStep({ id: input.id })
  recordAuditStep(
    transform({ input, segment }, ({ input, segment }) => ({
      entries: [
        {
          ...(input.actor ?? SYSTEM_ACTOR),
          action: "segment.deleted",
          target_type: "segment",
          target_id: input.id,
          details: { handle: segment.handle },
        },
      ],
    }))
  )
  return new WorkflowResponse({ id: input.id, object: "segment", deleted: true })
})
