import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { inTransaction } from "../../../lib/db/transaction"
import { sql } from "../../../lib/db/raw-sql"
import { invalidateMemberships } from "../../../lib/cache"
import { segmentWriteSql, type RefreshSegment } from "../../../lib/segments/segment-diff"
import { SEGMENT_ENTERED, SEGMENT_EXITED, type SegmentEventData } from "../../pipeline/steps/membership-events"

export const REFRESH_BATCH_SIZE = 500
/** Rows of the applied diff read back per page (cache invalidation, entered/exited events, progress). */
export const APPLY_BATCH_SIZE = 5000
/** Rows written by one refresh from which the membership table's statistics are refreshed at once. */
const ANALYZE_AFTER = 5000

/** What a refresh changed: counts only (the changed rows can be millions; they never go into step results). */
export type AppliedRefresh = {
  entered: number
  exited: number
  /** The run's evaluation instant and the write time it started at: with the segment, they identify its rows. */
  at: string
  since: string
}

/**
 * What compensation needs, constant-size however large the diff: the rows this run wrote are recognised by the
 * segment, the run's evaluation instant (entered_at / exited_at), a "batch refresh" reason and a write time after
 * the run started (one refresh per segment at a time: the lock). `event_group` = the workflow's event group, whose
 * held entered/exited events compensation drops.
 */
type Undo = { segment_id: string; at: string; since: string; wrote: boolean; event_group: string | null }

type Row = { id: string; profile_id: string; customer_id: string | null; reason: string }

/**
 * Applies the segment's diff set-based without ever holding it in JS (segmentWriteSql): ONE `UPDATE … FROM
 * (anti-join)` for the exits and ONE `INSERT … SELECT … WHERE NOT EXISTS` for the entries (ids made by Postgres),
 * each evaluating the rule once and returning a count. Entries that a concurrent real-time run
 * already made are skipped (ON CONFLICT on the one-open-stay index); exits already closed are skipped. The rows the
 * run wrote (recognised, as compensation does, by segment, evaluation instant, "batch refresh" reason and a write
 * time after the run started) are then read back through a cursor in pages of APPLY_BATCH_SIZE: per page the
 * membership cache is invalidated for its profiles, its entered/exited events are handed to the event bus in the
 * workflow's event group (released only if the workflow succeeds, like emitEventStep) and the progress on the
 * segment is updated (one UPDATE). Node holds one page at a time; the step result is counts, so the workflow engine
 * never checkpoints a million-row payload. If anything fails, the writes are undone here (a failing step gets no
 * compensation input); compensation undoes them all.
 */
export const applySegmentRefreshStep = createStep(
  "personalization-apply-segment-refresh",
  async (input: { segment: RefreshSegment; now: Date }, context) => {
    const { container } = context
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const eventBus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
    const eventGroup = (context as { eventGroupId?: string }).eventGroupId ?? null
    const now = new Date(input.now).toISOString()
    const segment = input.segment
    const segmentId = segment.id
    const writes = segmentWriteSql(segment, new Date(input.now), {
      catalog: service.getCatalog(),
      requireConsent: service.getOptions().consent.required,
    })
    const [{ since }] = await sql<{ since: string }>(container, `SELECT clock_timestamp()::text AS since`)
    const undo: Undo = { segment_id: segmentId, at: now, since, wrote: false, event_group: eventGroup }
    const applied: AppliedRefresh = { entered: 0, exited: 0, at: now, since }
    let total = 0
    let done = 0
    const progress = () =>
      sql(
        container,
        `UPDATE personalization_segment
            SET refresh_state = COALESCE(refresh_state, '{}'::jsonb) || jsonb_build_object('done', $2::int, 'total', $3::int, 'entered', $4::int, 'exited', $5::int),
                updated_at = now()
          WHERE id = $1`,
        [segmentId, done, total, applied.entered, applied.exited]
      )
    const emit = async (name: string, rows: Row[]) => {
      if (!rows.length) return
      const metadata = eventGroup ? { eventGroupId: eventGroup } : {}
      await eventBus.emit(
        rows.map((r) => ({
          name,
          data: { segment_id: segmentId, segment_handle: segment.handle, customer_id: r.customer_id, profile_id: r.profile_id, reason: r.reason } as SegmentEventData,
          metadata,
        }))
      )
    }
    await progress()
    try {
      undo.wrote = true
      // Exits first: they anti-join the open stays, which the entries would grow by rows the planner has no
      // statistics for yet.
      const [{ n }] = await sql<{ n: number }>(container, writes.exit.text, writes.exit.values)
      applied.exited = n
      if (writes.enter) {
        const [{ n }] = await sql<{ n: number }>(container, writes.enter.text, writes.enter.values)
        applied.entered = n
      }
      total = applied.entered + applied.exited
      // Many fresh rows: refresh the planner's statistics now (a sample, bounded cost) rather than at the next
      // autovacuum, so that the next refresh's anti-joins are planned on the real sizes.
      if (total >= ANALYZE_AFTER) await sql(container, `ANALYZE personalization_segment_membership`)
      await progress()
      if (total > 0) {
        await inTransaction(container, async (run) => {
          await run(
            `DECLARE personalization_refresh_rows NO SCROLL CURSOR FOR
               SELECT 'enter' AS kind, id, profile_id, customer_id, reason FROM personalization_segment_membership
                WHERE segment_id = $1 AND entered_at = $2::timestamptz AND created_at >= $3::timestamptz
                  AND reason LIKE 'batch refresh:%' AND deleted_at IS NULL
               UNION ALL
               SELECT 'exit', id, profile_id, customer_id, exit_reason FROM personalization_segment_membership
                WHERE segment_id = $1 AND exited_at = $2::timestamptz AND updated_at >= $3::timestamptz
                  AND exit_reason LIKE 'batch refresh:%' AND deleted_at IS NULL`,
            [segmentId, now, since]
          )
          for (;;) {
            const rows = await run<Row & { kind: "enter" | "exit" }>(`FETCH ${APPLY_BATCH_SIZE} FROM personalization_refresh_rows`)
            if (!rows.length) break
            await invalidateMemberships(container, rows.map((r) => r.profile_id))
            await emit(SEGMENT_ENTERED, rows.filter((r) => r.kind === "enter"))
            await emit(SEGMENT_EXITED, rows.filter((r) => r.kind === "exit"))
            // A row a concurrent run changed again since is read back once at most: done never passes total.
            done = Math.min(total, done + rows.length)
            await progress()
            if (rows.length < APPLY_BATCH_SIZE) break
          }
        })
      }
      if (done !== total) {
        done = total
        await progress()
      }
    } catch (e) {
      await undoBatches(container, undo)
      throw e
    }
    return new StepResponse(applied, undo)
  },
  async (undo, { container }) => {
    if (undo) await undoBatches(container as MedusaContainer, undo)
  }
)

/** Customers whose membership this run opened or closed (for re-pricing their carts), read back by the run's marks. */
export async function customersChangedBy(container: { resolve<T = unknown>(key: string): T }, segmentId: string, applied: AppliedRefresh) {
  if (!applied.entered && !applied.exited) return []
  const rows = await sql<{ customer_id: string }>(
    container,
    `SELECT DISTINCT customer_id FROM personalization_segment_membership
      WHERE segment_id = $1 AND customer_id IS NOT NULL
        AND ((entered_at = $2::timestamptz AND created_at >= $3::timestamptz AND reason LIKE 'batch refresh:%')
          OR (exited_at = $2::timestamptz AND updated_at >= $3::timestamptz AND exit_reason LIKE 'batch refresh:%'))`,
    [segmentId, applied.at, applied.since]
  )
  return rows.map((r) => r.customer_id)
}

async function undoBatches(container: { resolve<T = unknown>(key: string): T }, undo: Undo) {
  if (!undo.wrote) return
  const touched = await inTransaction(container, async (run) => {
    const gone = await run<{ profile_id: string }>(
      `DELETE FROM personalization_segment_membership
        WHERE segment_id = $1 AND entered_at = $2::timestamptz AND created_at >= $3::timestamptz AND reason LIKE 'batch refresh:%'
       RETURNING profile_id`,
      [undo.segment_id, undo.at, undo.since]
    )
    // Reopen unless a newer stay is open by now (the one-open-stay index would refuse it anyway).
    const reopened = await run<{ profile_id: string }>(
      `UPDATE personalization_segment_membership m SET exited_at = NULL, exit_reason = NULL, updated_at = now()
        WHERE m.segment_id = $1 AND m.exited_at = $2::timestamptz AND m.updated_at >= $3::timestamptz
          AND m.exit_reason LIKE 'batch refresh:%' AND m.deleted_at IS NULL
          AND NOT EXISTS (
            SELECT 1 FROM personalization_segment_membership o
             WHERE o.segment_id = m.segment_id AND o.profile_id = m.profile_id AND o.exited_at IS NULL AND o.deleted_at IS NULL)
       RETURNING m.profile_id`,
      [undo.segment_id, undo.at, undo.since]
    )
    return [...gone, ...reopened].map((r) => r.profile_id)
  })
  await invalidateMemberships(container, touched)
  if (undo.event_group) {
    const eventBus = container.resolve<IEventBusModuleService>(Modules.EVENT_BUS)
    await eventBus.clearGroupedEvents(undo.event_group, { eventNames: [SEGMENT_ENTERED, SEGMENT_EXITED] }).catch(() => undefined)
  }
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  await service.recountMembers([undo.segment_id])
}
