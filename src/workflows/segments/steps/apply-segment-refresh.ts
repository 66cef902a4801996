import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { inTransaction } from "../../../lib/db/transaction"
import { invalidateMemberships } from "../../../lib/cache"
import type { RefreshSegment, SegmentDiff } from "../../../lib/segments/segment-diff"
import type { RefreshState } from "./start-segment-refresh"

export const REFRESH_BATCH_SIZE = 500

/** A membership row this refresh opened or closed. */
export type Changed = { membership_id: string; profile_id: string; customer_id: string | null; reason: string }
export type AppliedRefresh = { entered: Changed[]; exited: Changed[] }
type Undo = { segment_id: string; batches: { created: string[]; closed: string[] }[] }

/**
 * Applies the diff in batches of REFRESH_BATCH_SIZE, each batch one transaction, updating the progress on the
 * segment after each. Entries that a concurrent real-time run already made are skipped (ON CONFLICT on the
 * one-open-stay index); exits already closed are skipped. If a batch fails, the batches before it are undone
 * here (a failing step gets no compensation input); compensation undoes every batch, newest first.
 */
export const applySegmentRefreshStep = createStep(
  "personalization-apply-segment-refresh",
  async (input: { segment: RefreshSegment; diff: SegmentDiff; now: Date }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const now = new Date(input.now).toISOString()
    const segmentId = input.segment.id
    const undo: Undo = { segment_id: segmentId, batches: [] }
    const applied: AppliedRefresh = { entered: [], exited: [] }
    const total = input.diff.enter.length + input.diff.exit.length
    let done = 0
    const progress = async () => {
      const [s] = await service.listSegments({ id: segmentId }, { select: ["id", "refresh_state"], take: 1 })
      await service.updateSegments({
        id: segmentId,
        refresh_state: { ...(s.refresh_state as RefreshState), done, total, entered: applied.entered.length, exited: applied.exited.length },
      })
    }
    try {
      for (let i = 0; i < input.diff.enter.length; i += REFRESH_BATCH_SIZE) {
        const batch = input.diff.enter.slice(i, i + REFRESH_BATCH_SIZE)
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
        undo.batches.push({ created: rows.map((r) => r.id), closed: [] })
        await invalidateMemberships(container, rows.map((r) => r.profile_id))
        applied.entered.push(...rows.map((r) => ({ membership_id: r.id, profile_id: r.profile_id, customer_id: r.customer_id, reason: r.reason })))
        done += batch.length
        await progress()
      }
      for (let i = 0; i < input.diff.exit.length; i += REFRESH_BATCH_SIZE) {
        const batch = input.diff.exit.slice(i, i + REFRESH_BATCH_SIZE)
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
        undo.batches.push({ created: [], closed: rows.map((r) => r.id) })
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
  for (const batch of [...undo.batches].reverse()) {
    const touched: string[] = []
    await inTransaction(container, async (run) => {
      if (batch.created.length) {
        const gone = await run<{ profile_id: string }>(
          `DELETE FROM personalization_segment_membership WHERE id = ANY($1::text[]) RETURNING profile_id`,
          [batch.created]
        )
        touched.push(...gone.map((r) => r.profile_id))
      }
      if (batch.closed.length) {
        // Reopen unless a newer stay is open by now (the one-open-stay index would refuse it anyway).
        const reopened = await run<{ profile_id: string }>(
          `UPDATE personalization_segment_membership m SET exited_at = NULL, exit_reason = NULL, updated_at = now()
            WHERE m.id = ANY($1::text[]) AND NOT EXISTS (
              SELECT 1 FROM personalization_segment_membership o
               WHERE o.segment_id = m.segment_id AND o.profile_id = m.profile_id AND o.exited_at IS NULL AND o.deleted_at IS NULL)
           RETURNING m.profile_id`,
          [batch.closed]
        )
        touched.push(...reopened.map((r) => r.profile_id))
      }
    })
    await invalidateMemberships(container, touched)
  }
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  await service.recountMembers([undo.segment_id])
}
