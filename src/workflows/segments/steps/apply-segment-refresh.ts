import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { inTransaction } from "../../../lib/db/transaction"
import { sql } from "../../../lib/db/raw-sql"
import { invalidateMemberships } from "../../../lib/cache"
import type { RefreshSegment, SegmentDiff } from "../../../lib/segments/segment-diff"

export const REFRESH_BATCH_SIZE = 500
/** Entries/exits per transaction: set-based INSERT … SELECT unnest / UPDATE … FROM unnest, so larger is cheaper. */
export const APPLY_BATCH_SIZE = 5000

/** A membership row this refresh opened or closed. */
export type Changed = { membership_id: string; profile_id: string; customer_id: string | null; reason: string }
export type AppliedRefresh = { entered: Changed[]; exited: Changed[] }
/**
 * What compensation needs, constant-size however large the diff: the rows this run wrote are recognised by the
 * segment, the run's evaluation instant (entered_at / exited_at), a "batch refresh" reason and a write time after
 * the run started (one refresh per segment at a time: the lock).
 */
type Undo = { segment_id: string; at: string; since: string; wrote: boolean }

/**
 * Applies the diff in batches of APPLY_BATCH_SIZE, each batch one set-based statement in one transaction, updating
 * the progress on the segment after each (one UPDATE). Entries that a concurrent real-time run already made are
 * skipped (ON CONFLICT on the one-open-stay index); exits already closed are skipped. If a batch fails, the batches
 * before it are undone here (a failing step gets no compensation input); compensation undoes them all. The
 * membership cache is invalidated for every profile a batch changed, after its commit.
 */
export const applySegmentRefreshStep = createStep(
  "personalization-apply-segment-refresh",
  async (input: { segment: RefreshSegment; diff: SegmentDiff; now: Date }, { container }) => {
    const now = new Date(input.now).toISOString()
    const segmentId = input.segment.id
    const [{ since }] = await sql<{ since: string }>(container, `SELECT clock_timestamp()::text AS since`)
    const undo: Undo = { segment_id: segmentId, at: now, since, wrote: false }
    const applied: AppliedRefresh = { entered: [], exited: [] }
    const total = input.diff.enter.length + input.diff.exit.length
    let done = 0
    const progress = () =>
      sql(
        container,
        `UPDATE personalization_segment
            SET refresh_state = COALESCE(refresh_state, '{}'::jsonb) || jsonb_build_object('done', $2::int, 'total', $3::int, 'entered', $4::int, 'exited', $5::int),
                updated_at = now()
          WHERE id = $1`,
        [segmentId, done, total, applied.entered.length, applied.exited.length]
      )
    try {
      for (let i = 0; i < input.diff.enter.length; i += APPLY_BATCH_SIZE) {
        const batch = input.diff.enter.slice(i, i + APPLY_BATCH_SIZE)
        undo.wrote = true
        const rows = await inTransaction(container, (run) =>
          run<{ id: string; profile_id: string; customer_id: string | null; reason: string }>(
            `INSERT INTO personalization_segment_membership
               (id, segment_id, profile_id, customer_id, entered_at, reason, created_at, updated_at)
             SELECT t.id, $1, t.profile_id, t.customer_id, $2::timestamptz, t.reason, now(), now()
               FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, profile_id, customer_id, reason)
             ON CONFLICT DO NOTHING
             RETURNING id, profile_id, customer_id, reason`,
            [
              segmentId,
              now,
              batch.map(() => generateEntityId(undefined, "psmem")),
              batch.map((e) => e.profile_id),
              batch.map((e) => e.customer_id),
              batch.map((e) => e.reason),
            ]
          )
        )
        await invalidateMemberships(container, rows.map((r) => r.profile_id))
        applied.entered.push(...rows.map((r) => ({ membership_id: r.id, profile_id: r.profile_id, customer_id: r.customer_id, reason: r.reason })))
        done += batch.length
        await progress()
      }
      for (let i = 0; i < input.diff.exit.length; i += APPLY_BATCH_SIZE) {
        const batch = input.diff.exit.slice(i, i + APPLY_BATCH_SIZE)
        undo.wrote = true
        const rows = await inTransaction(container, (run) =>
          run<{ id: string; profile_id: string; customer_id: string | null; exit_reason: string }>(
            `UPDATE personalization_segment_membership m
                SET exited_at = $1::timestamptz, exit_reason = t.reason, updated_at = now()
               FROM unnest($2::text[], $3::text[]) AS t(id, reason)
              WHERE m.id = t.id AND m.exited_at IS NULL AND m.deleted_at IS NULL
             RETURNING m.id, m.profile_id, m.customer_id, m.exit_reason`,
            [now, batch.map((e) => e.membership_id), batch.map((e) => e.reason)]
          )
        )
        await invalidateMemberships(container, rows.map((r) => r.profile_id))
        applied.exited.push(...rows.map((r) => ({ membership_id: r.id, profile_id: r.profile_id, customer_id: r.customer_id, reason: r.exit_reason })))
        done += batch.length
        await progress()
      }
    } catch (e) {
      await undoBatches(container, undo)
      throw e
    }
    if (!total) await progress()
    return new StepResponse(applied, undo)
  },
  async (undo, { container }) => {
    if (undo) await undoBatches(container as MedusaContainer, undo)
  }
)

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
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  await service.recountMembers([undo.segment_id])
}
