import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { startSegmentRefreshStep } from "./steps/start-segment-refresh"
import { applySegmentRefreshStep } from "./steps/apply-segment-refresh"
import { mirrorSegmentGroupStep } from "./steps/mirror-segment-group"
import { finishSegmentRefreshStep } from "./steps/finish-segment-refresh"
import { refreshOpenCartsBatchStep } from "./steps/refresh-open-carts-batch"
import { scheduleTimeChangesStep } from "./steps/schedule-time-changes"
import { refreshDependentsStep } from "./steps/refresh-dependents"
import { emitSegmentRefreshEventsStep } from "./steps/emit-segment-refresh-events"

export type RefreshSegmentInput = {
  segment_id: string
  /** Evaluation time; defaults to now. Tests inject it to move the clock. */
  now?: Date | string
  /** Also refresh the active segments whose rules reference this one, when its members changed (default true). */
  cascade?: boolean
  /** Cascade depth (internal). */
  depth?: number
}

/**
 * Batch refresh of one segment: evaluate its rule set-based in SQL, diff against the open memberships, apply
 * entries/exits in batches, make the managed group mirror the members, recount, re-price the changed customers'
 * open carts and, once all of that succeeded, emit personalization.segment.entered/exited per member (page by page)
 * and one personalization.segment.refreshed. For time-based rules the
 * profiles' next_change_at is lowered to this rule's next flip, so batch-made memberships also change exactly on
 * time. Progress is kept in segment.refresh_state. Only active segments have members: refreshing a draft or
 * archived segment closes any stale open stays and empties its group (normally a no-op). One refresh per segment
 * at a time (lock). When members changed, segments whose rules say segment('<this>') are refreshed after it.
 */
export const refreshSegmentWorkflow = createWorkflow("personalization-refresh-segment", (input: RefreshSegmentInput) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  const lockKey = transform({ input }, ({ input }) => `personalization:segment-refresh:${input.segment_id}`)
  acquireLockStep({ key: lockKey, timeout: 120, ttl: 900 })

  const segment = startSegmentRefreshStep({ segment_id: input.segment_id, now })
  // Diff + apply in one step (counts only: the changed rows never become step results); the cache is invalidated
  // there, right after the writes.
  const applied = applySegmentRefreshStep({ segment, now })
  const group = mirrorSegmentGroupStep(
    transform({ segment }, ({ segment }) => ({ segment_id: segment.id, customer_group_id: segment.customer_group_id }))
  )
  const finished = finishSegmentRefreshStep(
    transform({ segment, applied, group }, ({ segment, applied, group }) => ({ segment_id: segment.id, applied, group }))
  )
  const timing = scheduleTimeChangesStep({ segment, now })
  const result = transform({ finished, timing }, ({ finished, timing }) => ({ ...finished, time_changes_scheduled: timing.scheduled }))

  refreshOpenCartsBatchStep(
    transform({ segment, applied }, ({ segment, applied }) => ({
      segment_id: segment.id,
      customer_group_id: segment.customer_group_id,
      applied,
    }))
  )

  releaseLockStep({ key: lockKey })

  refreshDependentsStep(
    transform({ input, segment, applied, now }, ({ input, segment, applied, now }) => ({
      segment_id: segment.id,
      handle: segment.handle,
      changed: applied.entered + applied.exited,
      cascade: input.cascade ?? true,
      depth: input.depth ?? 0,
      now,
    }))
  )
  // Last, so that nothing after it can compensate the refresh: the per-member entered/exited events, read back
  // by the run's marks and emitted page by page (never held in the workflow's event group), then
  // personalization.segment.refreshed.
  emitSegmentRefreshEventsStep({ segment, applied })
  return new WorkflowResponse(result)
})
