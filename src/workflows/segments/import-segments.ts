import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import {
  describeDocumentPlan,
  planDocumentImport,
  type DocumentPlan,
  type ImportedSegment,
  type SegmentCreate,
} from "../../lib/segments/as-code/plan"
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

/** A segment write, to be undone: a created segment is deleted, a changed one gets `previous` back. */
type SegmentUndo = { kind: "created"; id: string } | { kind: "changed"; id: string; previous: Record<string, unknown> }

type Applied = { segments: SegmentUndo[]; placements: PlacementUndo[] }

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
  // Segment writes in reverse: changed ones get their previous values back, created ones are deleted (referrers
  // were written after what they reference, so they are undone first and every delete finds no referrer left).
  for (const u of [...applied.segments].reverse()) {
    if (u.kind === "changed") await updateSegmentWorkflow(container).run({ input: { id: u.id, ...u.previous, actor } })
    else await deleteSegmentWorkflow(container).run({ input: { id: u.id, actor } })
  }
}

/**
 * The segment writes of a plan, in an order that keeps every intermediate state valid for the single-segment checks
 * (no reference to an unknown or archived segment, none to a segment being archived by a referrer that is not):
 * creations and changes referenced-first, then archivings referrer-first.
 */
function segmentWrites(plan: DocumentPlan["segments"]) {
  type Write =
    | { kind: "create"; handle: string; create: SegmentCreate }
    | { kind: "change"; handle: string; id: string; data: Record<string, unknown>; previous: Record<string, unknown> }
  const first: Write[] = []
  const archive: { handle: string; id?: string; previous: Record<string, unknown> }[] = []
  const created = new Map(plan.created.map((c) => [c.handle, c]))
  const changed = new Map(plan.changed.map((c) => [c.handle, c]))
  for (const handle of plan.order) {
    const c = created.get(handle)
    if (c) {
      first.push({ kind: "create", handle, create: { ...c, status: c.status === "archived" ? "draft" : c.status } })
      if (c.status === "archived") archive.push({ handle, previous: { status: "draft" } })
      continue
    }
    const ch = changed.get(handle)
    if (!ch) continue
    const { status, ...data } = ch.data as Record<string, unknown>
    const previous = ch.previous as Record<string, unknown>
    const { status: previousStatus, ...previousRest } = previous
    if (status === "archived") {
      if (Object.keys(data).length) first.push({ kind: "change", handle, id: ch.id, data, previous: previousRest })
      archive.push({ handle, id: ch.id, previous: { status: previousStatus } })
    } else {
      first.push({ kind: "change", handle, id: ch.id, data: ch.data as Record<string, unknown>, previous })
    }
  }
  return { first, archive: archive.reverse() }
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
    const applied: Applied = { segments: [], placements: [] }
    const actor = input.actor
    try {
      const writes = segmentWrites(plan.segments)

      const createdIds = new Map<string, string>()
      for (const w of writes.first) {
        if (w.kind === "create") {
          const { status, ...rest } = w.create
          const { result } = await createSegmentWorkflow(container).run({ input: { ...rest, status: status as "draft" | "active", actor } })
          createdIds.set(w.handle, result.id)
          applied.segments.push({ kind: "created", id: result.id })
        } else {
          await updateSegmentWorkflow(container).run({ input: { id: w.id, ...w.data, actor } })
          applied.segments.push({ kind: "changed", id: w.id, previous: w.previous })
        }
      }
      for (const a of writes.archive) {
        const id = a.id ?? createdIds.get(a.handle)!
        await updateSegmentWorkflow(container).run({ input: { id, status: "archived", actor } })
        applied.segments.push({ kind: "changed", id, previous: a.previous })
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
