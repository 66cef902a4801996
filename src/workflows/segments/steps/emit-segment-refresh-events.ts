import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { IEventBusModuleService } from "@medusajs/framework/types"
import type { RefreshSegment } from "../../../lib/segments/segment-diff"
import { SEGMENT_ENTERED, SEGMENT_EXITED, type SegmentEventData } from "../../pipeline/steps/membership-events"
import { forEachChangedPage, type AppliedRefresh, type ChangedRow } from "./apply-segment-refresh"

export const SEGMENT_REFRESHED = "personalization.segment.refreshed"

/** `personalization.segment.refreshed`: one per successful batch refresh, after its per-member events. */
export type SegmentRefreshedEventData = { segment_id: string; segment_handle: string; entered: number; exited: number }

/**
 * The batch refresh's events, emitted once the refresh has succeeded (this step runs after every write, the
 * recount and the lock release): the rows the run opened / closed are read back by the run's marks through a
 * cursor, APPLY_BATCH_SIZE at a time, and each page's `personalization.segment.entered` / `.exited` are handed
 * to the event bus directly (no workflow event group, which Medusa holds in memory until the workflow ends —
 * 1.8 GB for a 770k-member backfill), awaiting each page. Then one `personalization.segment.refreshed`
 * `{ segment_id, segment_handle, entered, exited }`. With the in-process event bus and nothing subscribed to the
 * per-member events, their read-back is skipped (nobody could receive them). The refresh is done and consistent by now, so a failure to
 * emit is logged, not rolled back (the events so far are out; rolling back memberships would not recall them).
 */
export const emitSegmentRefreshEventsStep = createStep(
  "personalization-emit-segment-refresh-events",
  async (input: { segment: RefreshSegment; applied: AppliedRefresh }, { container }) => {
    const eventBus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
    const { segment, applied } = input
    const data = (r: ChangedRow): SegmentEventData => ({
      segment_id: segment.id,
      segment_handle: segment.handle,
      customer_id: r.customer_id,
      profile_id: r.profile_id,
      reason: r.reason,
    })
    let emitted = 0
    try {
      if (applied.entered + applied.exited > 0 && mayHaveListeners(eventBus, [SEGMENT_ENTERED, SEGMENT_EXITED])) {
        await forEachChangedPage(container, segment.id, applied, async (rows) => {
          const messages = rows.map((r) => ({ name: r.kind === "enter" ? SEGMENT_ENTERED : SEGMENT_EXITED, data: data(r) }))
          await eventBus.emit(messages)
          emitted += messages.length
        })
      }
      const summary: SegmentRefreshedEventData = { segment_id: segment.id, segment_handle: segment.handle, entered: applied.entered, exited: applied.exited }
      await eventBus.emit({ name: SEGMENT_REFRESHED, data: summary })
    } catch (e) {
      container
        .resolve(ContainerRegistrationKeys.LOGGER)
        .error(`personalization: emitting the events of the refresh of '${segment.handle}' failed after ${emitted} events: ${(e as Error).message}`)
    }
    return new StepResponse({ emitted })
  }
)

/**
 * False only when the event bus is the in-process one (event-bus-local: every subscriber lives in this process)
 * and nothing — no subscriber of these events, no "*" subscriber, no interceptor — would receive them: then the
 * per-member read-back is skipped. Any other bus (Redis: subscribers may live in worker processes) may have
 * listeners, so its events are always emitted.
 */
function mayHaveListeners(eventBus: IEventBusModuleService, names: string[]): boolean {
  const local = eventBus as unknown as {
    eventEmitter_?: { listenerCount(name: string): number }
    interceptorSubscribers_?: Set<unknown>
  }
  if (!local.eventEmitter_ || typeof local.eventEmitter_.listenerCount !== "function") return true
  if (local.interceptorSubscribers_ === undefined || local.interceptorSubscribers_.size > 0) return true
  return [...names, "*"].some((n) => local.eventEmitter_!.listenerCount(n) > 0)
}
