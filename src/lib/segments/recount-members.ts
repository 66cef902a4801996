import type { Run } from "../db/transaction"

/**
 * member_count from the open membership rows: idempotent, so it can never drift the way increments could. Rows are
 * locked in id order (not the heap order a plain UPDATE follows, which moves as rows are rewritten): no deadlocks
 * between concurrent recounts of overlapping segment sets.
 */
export const RECOUNT_MEMBERS_SQL = `UPDATE personalization_segment s
    SET member_count = (SELECT count(*) FROM personalization_segment_membership m
                         WHERE m.segment_id = s.id AND m.exited_at IS NULL AND m.deleted_at IS NULL),
        updated_at = now()
  WHERE s.id IN (SELECT id FROM personalization_segment WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE)`

/** Recounts the given segments with `run` (a transaction's runner, or `(t, v) => sql(container, t, v)`). */
export async function recountMembersWith(run: Run, segmentIds: string[]): Promise<void> {
  if (segmentIds.length) await run(RECOUNT_MEMBERS_SQL, [segmentIds])
}
