import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import { describeDocumentPlan, planDocumentImport, type ImportedSegment, type SegmentChange } from "../../lib/segments/as-code/plan"
import type { ImportedPlacement, VariantChange, VariantWrite } from "../../lib/segments/as-code/placements"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import type { AuditActor } from "../../lib/privacy/audit"
import { createSegmentWorkflow } from "./create-segment"
import { updateSegmentWorkflow } from "./update-segment"
import { deleteSegmentWorkflow } from "./delete-segment"
import {
  createPlacementVariantWorkflow,
  createPlacementWorkflow,
  deletePlacementVariantWorkflow,
  deletePlacementWorkflow,
  updatePlacementVariantWorkflow,
  updatePlacementWorkflow,
} from "../placements"

export type ImportSegmentsInput = {
  segments: ImportedSegment[]
  /** Imported after the segments (their variants may name segments the document creates). */
  placements?: ImportedPlacement[]
  actor?: AuditActor
}

/** What was written, in order, so it can be undone in reverse. */
type PlacementUndo =
  | { kind: "placement_created"; id: string }
  | { kind: "placement_changed"; id: string; description: string | null }
  | { kind: "variant_created"; placement_id: string; id: string }
  | { kind: "variant_changed"; placement_id: string; id: string; previous: VariantChange["previous"] }

type Applied = { created: string[]; changed: SegmentChange[]; placements: PlacementUndo[] }

async function revert(container: MedusaContainer, applied: Applied, actor?: AuditActor) {
  // Placements first (their variants name segments), each in reverse.
  for (const u of [...(applied.placements ?? [])].reverse()) {
    if (u.kind === "placement_created") await deletePlacementWorkflow(container).run({ input: { id: u.id, actor } })
    else if (u.kind === "placement_changed")
      await updatePlacementWorkflow(container).run({ input: { id: u.id, description: u.description, actor } })
    else if (u.kind === "variant_created")
      await deletePlacementVariantWorkflow(container).run({ input: { placement_id: u.placement_id, id: u.id, actor } })
    else
      await updatePlacementVariantWorkflow(container).run({
        input: { placement_id: u.placement_id, id: u.id, ...(u.previous as object), actor },
      })
  }
  // Changed segments get their previous values back, created ones are deleted.
  for (const c of [...applied.changed].reverse()) {
    await updateSegmentWorkflow(container).run({ input: { id: c.id, ...(c.previous as object), actor } })
  }
  for (const id of [...applied.created].reverse()) {
    await deleteSegmentWorkflow(container).run({ input: { id, actor } })
  }
}

/**
 * Applies an import: plans it against the store as it is now (validation first, so a bad document writes
 * nothing), then creates and updates each segment through the ordinary segment workflows (managed groups,
 * refreshes and audit rows included), then each placement and variant through the placement workflows, with
 * segment handles resolved to ids after the segments exist. If any of them fails, the ones already applied are undone.
 */
const applySegmentImportStep = createStep(
  "personalization-apply-segment-import",
  async (input: ImportSegmentsInput, { container }) => {
    const plan = await planDocumentImport(container, input)
    const applied: Applied = { created: [], changed: [], placements: [] }
    const actor = input.actor
    try {
      for (const c of plan.segments.created) {
        const { status, ...rest } = c
        const { result } = await createSegmentWorkflow(container).run({
          input: { ...rest, status: status === "archived" ? "draft" : status, actor },
        })
        applied.created.push(result.id)
        if (status === "archived") {
          await updateSegmentWorkflow(container).run({ input: { id: result.id, status: "archived", actor } })
        }
      }
      for (const c of plan.segments.changed) {
        await updateSegmentWorkflow(container).run({ input: { id: c.id, ...(c.data as object), actor } })
        applied.changed.push(c)
      }

      const p = plan.placements
      const needed = [
        ...p.created.flatMap((x) => x.variants.map((v) => v.segment)),
        ...p.changed.flatMap((x) => [...x.variants.created.map((v) => v.segment), ...x.variants.changed.map((v) => v.data.segment)]),
      ].filter((h): h is string => typeof h === "string")
      const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
      const segments = needed.length
        ? await service.listSegments({ handle: [...new Set(needed)] }, { select: ["id", "handle"], take: null })
        : []
      const segmentId = new Map(segments.map((s) => [s.handle, s.id]))
      const variantInput = (v: VariantWrite) => ({
        name: v.name,
        segment_id: v.segment === null ? null : segmentId.get(v.segment)!,
        priority: v.priority,
        status: v.status,
        content: v.content as never,
      })

      for (const c of p.created) {
        const { result } = await createPlacementWorkflow(container).run({
          input: { handle: c.handle, description: c.description, variants: c.variants.map(variantInput), actor },
        })
        applied.placements.push({ kind: "placement_created", id: result.id })
      }
      for (const c of p.changed) {
        if (c.fields.includes("description")) {
          await updatePlacementWorkflow(container).run({ input: { id: c.id, description: c.description, actor } })
          applied.placements.push({ kind: "placement_changed", id: c.id, description: c.previous_description ?? null })
        }
        for (const v of c.variants.created) {
          const { result } = await createPlacementVariantWorkflow(container).run({
            input: { placement_id: c.id, ...variantInput(v), actor },
          })
          applied.placements.push({ kind: "variant_created", placement_id: c.id, id: result.id })
        }
        for (const v of c.variants.changed) {
          const { segment, ...data } = v.data
          await updatePlacementVariantWorkflow(container).run({
            input: {
              placement_id: c.id,
              id: v.id,
              ...(data as object),
              ...(segment !== undefined ? { segment_id: segment === null ? null : segmentId.get(segment)! } : {}),
              actor,
            },
          })
          applied.placements.push({ kind: "variant_changed", placement_id: c.id, id: v.id, previous: v.previous })
        }
      }
    } catch (e) {
      await revert(container, applied, actor)
      throw e
    }
    return new StepResponse(describeDocumentPlan(plan), { applied, actor })
  },
  async (data, { container }) => {
    if (data) await revert(container, data.applied, data.actor)
  }
)

export const importSegmentsWorkflow = createWorkflow("personalization-import-segments", (input: ImportSegmentsInput) => {
  const result = applySegmentImportStep(input)
  return new WorkflowResponse(result)
})
