import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { retrieveSegmentStep } from "./steps/retrieve-segment"
import { assertGroupUnreferencedStep } from "./steps/assert-group-unreferenced"
import { emptyManagedGroupStep } from "./steps/empty-managed-group"
import { deleteManagedGroupStep } from "./steps/delete-managed-group"
import { deleteSegmentStep } from "./steps/delete-segment"

/** Deletes a segment, its membership history and its managed group — refused (409) while a discount uses the group. */
export const deleteSegmentWorkflow = createWorkflow("personalization-delete-segment", (input: { id: string }) => {
  const segment = retrieveSegmentStep({ id: input.id })
  const group = transform({ segment }, ({ segment }) => ({
    group_id: segment.customer_group_id ?? null,
    segment_handle: segment.handle,
  }))
  assertGroupUnreferencedStep(group)
  emptyManagedGroupStep(group)
  deleteManagedGroupStep(group)
  deleteSegmentStep({ id: input.id })
  return new WorkflowResponse({ id: input.id, object: "segment", deleted: true })
})
