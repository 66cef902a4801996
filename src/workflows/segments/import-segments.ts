import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import { describePlan, planSegmentImport, type ImportedSegment, type SegmentChange } from "../../lib/segments/as-code/plan"
import type { AuditActor } from "../../lib/privacy/audit"
import { createSegmentWorkflow } from "./create-segment"
import { updateSegmentWorkflow } from "./update-segment"
import { deleteSegmentWorkflow } from "./delete-segment"

export type ImportSegmentsInput = {
  segments: ImportedSegment[]
  actor?: AuditActor
}

type Applied = { created: string[]; changed: SegmentChange[] }

async function revert(container: MedusaContainer, applied: Applied, actor?: AuditActor) {
  // Undo in reverse: changed segments get their previous values back, created ones are deleted.
  for (const c of [...applied.changed].reverse()) {
    await updateSegmentWorkflow(container).run({ input: { id: c.id, ...(c.previous as object), actor } })
  }
  for (const id of [...applied.created].reverse()) {
    await deleteSegmentWorkflow(container).run({ input: { id, actor } })
  }
}

/**
 * Applies an import: plans it against the store as it is now (validation first, so a bad document writes
 * nothing), then creates and updates each segment through the ordinary create/update workflows (managed groups,
 * refreshes and audit rows included). If any of them fails, the ones already applied are undone.
 */
const applySegmentImportStep = createStep(
  "personalization-apply-segment-import",
  async (input: ImportSegmentsInput, { container }) => {
    const plan = await planSegmentImport(container, input.segments)
    const applied: Applied = { created: [], changed: [] }
    try {
      for (const c of plan.created) {
        const { status, ...rest } = c
        const { result } = await createSegmentWorkflow(container).run({
          input: { ...rest, status: status === "archived" ? "draft" : status, actor: input.actor },
        })
        applied.created.push(result.id)
        if (status === "archived") {
          await updateSegmentWorkflow(container).run({ input: { id: result.id, status: "archived", actor: input.actor } })
        }
      }
      for (const c of plan.changed) {
        await updateSegmentWorkflow(container).run({ input: { id: c.id, ...(c.data as object), actor: input.actor } })
        applied.changed.push(c)
      }
    } catch (e) {
      await revert(container, applied, input.actor)
      throw e
    }
    return new StepResponse(describePlan(plan), { applied, actor: input.actor })
  },
  async (data, { container }) => {
    if (data) await revert(container, data.applied, data.actor)
  }
)

export const importSegmentsWorkflow = createWorkflow("personalization-import-segments", (input: ImportSegmentsInput) => {
  const result = applySegmentImportStep(input)
  return new WorkflowResponse(result)
})
