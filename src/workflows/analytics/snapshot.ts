import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { inTransaction } from "../../lib/db/transaction"
import { sql } from "../../lib/db/raw-sql"
import { loadDefaultCurrency } from "../../lib/profile/load-facts"
import { asOfFor, computeSnapshots, restoreSnapshots, upsertSnapshots, type PreviousSnapshot } from "../../lib/analytics/snapshots"
import { SEGMENT_DRIFT } from "../../lib/analytics/drift"
import { detectSegmentDriftStep } from "./drift"
import { utcDay } from "../../core/stats"

export type SegmentSnapshotInput = {
  /** Any instant in the UTC day to snapshot. */
  day: Date | string
  /** The clock (defaults to now): a day still running is snapshotted as of now. */
  now?: Date | string
}

type Written = { day: string; segment_ids: string[]; ids: string[]; created: string[]; previous: PreviousSnapshot[] }

/** Computes and upserts one snapshot per active segment for the day; compensation restores what was there. */
export const writeSegmentSnapshotsStep = createStep(
  "personalization-write-segment-snapshots",
  async (input: { day: Date | string; now: Date | string }, { container }) => {
    const day = utcDay(new Date(input.day))
    const asOf = asOfFor(day, new Date(input.now))
    const segments = await sql<{ id: string }>(
      container,
      `SELECT id FROM personalization_segment WHERE status = 'active' AND deleted_at IS NULL ORDER BY id`
    )
    const segmentIds = segments.map((s) => s.id)
    const currency = await loadDefaultCurrency(container)
    const rows = await computeSnapshots(container, segmentIds, day, asOf, currency)
    const result = await inTransaction(container, (run) => upsertSnapshots(run, day, currency, rows))
    const written: Written = { day: day.toISOString(), segment_ids: segmentIds, ...result }
    return new StepResponse(written, { created: result.created, previous: result.previous })
  },
  async (undo, { container }) => {
    if (!undo) return
    await inTransaction(container, (run) => restoreSnapshots(run, undo.created, undo.previous))
  }
)

/**
 * One UTC day of segment KPIs: a snapshot per active segment (upsert, so rerunning a day replaces it), then drift
 * detection on size and conversion against each segment's previous 28 days; new alerts are emitted as
 * `personalization.segment.drift` when the workflow succeeds. One run per day at a time (lock).
 */
export const segmentSnapshotWorkflow = createWorkflow("personalization-segment-snapshot", (input: SegmentSnapshotInput) => {
  const args = transform({ input }, ({ input }) => {
    const now = input.now ? new Date(input.now) : new Date()
    const day = utcDay(new Date(input.day))
    return { now, day, lockKey: `personalization:segment-snapshot:${day.toISOString()}` }
  })
  acquireLockStep({ key: args.lockKey, timeout: 60, ttl: 600 })
  const written = writeSegmentSnapshotsStep({ day: args.day, now: args.now })
  const alerts = detectSegmentDriftStep(
    transform({ written }, ({ written }) => ({ day: written.day, segment_ids: written.segment_ids }))
  )
  emitEventStep({ eventName: SEGMENT_DRIFT, data: alerts }).config({ name: "personalization-emit-segment-drift" })
  releaseLockStep({ key: args.lockKey })
  return new WorkflowResponse(
    transform({ written, alerts }, ({ written, alerts }) => ({
      day: written.day,
      snapshots: written.ids.length,
      alerts,
    }))
  )
})
