import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { inTransaction } from "../../../lib/db/transaction"
import { sql } from "../../../lib/db/raw-sql"
import { invalidateAllMemberships, invalidateMemberships, membershipCacheCapacity } from "../../../lib/cache"
import { applySegmentWrites, type RefreshSegment } from "../../../lib/segments/segment-diff"

export const REFRESH_BATCH_SIZE = 500
/** Rows of the applied diff read back per page (cache invalidation of small diffs; entered/exited events). */
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
 * the run started (one refresh per segment at a time: the lock).
 */
type Undo = { segment_id: string; at: string; since: string; wrote: boolean }

/** A row this run opened ("enter") or closed ("exit"); `reason` is the entry reason or the exit reason. */
export type ChangedRow = { kind: "enter" | "exit"; id: string; profile_id: string; customer_id: string | null; reason: string }

/**
 * The rows a run wrote, recognised by its marks (as compensation recognises them): segment, evaluation instant
 * as entered_at / exited_at, a "batch refresh" reason and a write time after the run started.
 */
const CHANGED_ROWS_SQL = `SELECT 'enter' AS kind, id, profile_id, customer_id, reason FROM personalization_segment_membership
    WHERE segment_id = $1 AND entered_at = $2::timestamptz AND created_at >= $3::timestamptz
      AND reason LIKE 'batch refresh:%' AND deleted_at IS NULL
   UNION ALL
   SELECT 'exit', id, profile_id, customer_id, exit_reason FROM personalization_segment_membership
    WHERE segment_id = $1 AND exited_at = $2::timestamptz AND updated_at >= $3::timestamptz
      AND exit_reason LIKE 'batch refresh:%' AND deleted_at IS NULL`

/**
 * Reads the rows a run wrote back through a cursor, `pageSize` at a time, and awaits `fn` per page: Node holds
 * one page at a time however large the diff.
 */
export async function forEachChangedPage(
  container: { resolve<T = unknown>(key: string): T },
  segmentId: string,
  applied: Pick<AppliedRefresh, "at" | "since">,
  fn: (rows: ChangedRow[]) => Promise<void>,
  pageSize = APPLY_BATCH_SIZE
): Promise<number> {
  let seen = 0
  await inTransaction(container, async (run) => {
    await run(`DECLARE personalization_refresh_rows NO SCROLL CURSOR FOR ${CHANGED_ROWS_SQL}`, [segmentId, applied.at, applied.since])
    for (;;) {
      const rows = await run<ChangedRow>(`FETCH ${pageSize} FROM personalization_refresh_rows`)
      if (!rows.length) break
      seen += rows.length
      await fn(rows)
      if (rows.length < pageSize) break
    }
  })
  return seen
}

/**
 * Applies the segment's diff set-based without ever holding it in JS (applySegmentWrites, one transaction): the
 * rule evaluated ONCE into a temporary table, then ONE `UPDATE … FROM (anti-join)` for the exits and ONE
 * `INSERT … SELECT … WHERE NOT EXISTS` for the entries (ids made by Postgres), each returning a count. Entries that a concurrent real-time run already made are skipped (ON CONFLICT on the
 * one-open-stay index); exits already closed are skipped. Right after the writes the membership cache is
 * invalidated: a diff larger than the cache can hold bumps the cache generation (every entry goes stale at once),
 * a smaller one tombstones its profiles, read back by the run's marks through a cursor. The entered/exited events
 * are NOT emitted here: emitSegmentRefreshEventsStep reads the rows back by the same marks after the refresh
 * succeeded (nothing per member is held in memory or in the workflow's event group). The step result is counts,
 * so the workflow engine never checkpoints a million-row payload. If anything fails, the writes are undone here
 * (a failing step gets no compensation input); compensation undoes them all.
 */
export const applySegmentRefreshStep = createStep(
  "personalization-apply-segment-refresh",
  async (input: { segment: RefreshSegment; now: Date }, context) => {
    const { container } = context
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const now = new Date(input.now).toISOString()
    const segment = input.segment
    const segmentId = segment.id
    const opts = { catalog: service.getCatalog(), requireConsent: service.getOptions().consent.required }
    const [{ since, before }] = await sql<{ since: string; before: number }>(
      container,
      `SELECT clock_timestamp()::text AS since, (SELECT member_count FROM personalization_segment WHERE id = $1)::int AS before`,
      [segmentId]
    )
    const undo: Undo = { segment_id: segmentId, at: now, since, wrote: false }
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
    await progress()
    try {
      undo.wrote = true
      // One transaction, the rule evaluated once (applySegmentWrites): exits, then entries.
      const counts = await inTransaction(container, (run) => applySegmentWrites(run, segment, new Date(input.now), opts))
      applied.exited = counts.exited
      applied.entered = counts.entered
      total = applied.entered + applied.exited
      if (total > 0) await invalidateChanged(container, segmentId, applied, total)
      done = total
      await progress()
      // Many fresh rows relative to the segment: refresh the planner's statistics now (a sample, bounded cost)
      // rather than at the next autovacuum, so that the next refresh's anti-joins are planned on the real sizes. A
      // small diff of a large segment (a steady-state refresh) leaves the estimates about right: no ANALYZE.
      if (total >= ANALYZE_AFTER && total * 10 >= before) await sql(container, `ANALYZE personalization_segment_membership`)
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

/** Cache invalidation after the writes: one generation bump for a diff the cache could not hold, else per profile. */
async function invalidateChanged(container: { resolve<T = unknown>(key: string): T }, segmentId: string, applied: AppliedRefresh, total: number) {
  if (total > membershipCacheCapacity(container)) return invalidateAllMemberships(container)
  await forEachChangedPage(container, segmentId, applied, (rows) => invalidateMemberships(container, rows.map((r) => r.profile_id)))
}

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
  if (touched.length > membershipCacheCapacity(container)) await invalidateAllMemberships(container)
  else await invalidateMemberships(container, touched)
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  await service.recountMembers([undo.segment_id])
}
