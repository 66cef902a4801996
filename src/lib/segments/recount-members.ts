import type { Run } from "../db/transaction"

/**
 * Recounting is two statements on purpose. First the segment rows are locked in id order (a plain UPDATE locks in
 * heap order, which moves as rows are rewritten: two recounts of overlapping segments could deadlock). Then the
 * count runs as a NEW statement: under READ COMMITTED it takes a fresh snapshot, so it sees the memberships of a
 * concurrent evaluator that committed while we waited for the lock. (One UPDATE would count with the snapshot from
 * before the wait and could write a count missing that evaluator's row — seen under load as member_count one short.)
 */
export const LOCK_SEGMENTS_SQL = `SELECT id FROM personalization_segment WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`

/** member_count from the open membership rows: idempotent, so it can never drift the way increments could. */
export const RECOUNT_MEMBERS_SQL = `UPDATE personalization_segment s
    SET member_count = (SELECT count(*) FROM personalization_segment_membership m
                         WHERE m.segment_id = s.id AND m.exited_at IS NULL AND m.deleted_at IS NULL),
        updated_at = now()
  WHERE s.id = ANY($1::text[])`

/** Recounts the given segments with `run` (a transaction's runner, or `(t, v) => sql(container, t, v)`). */
export async function recountMembersWith(run: Run, segmentIds: string[]): Promise<void> {
  if (!segmentIds.length) return
  await run(LOCK_SEGMENTS_SQL, [segmentIds])
  await run(RECOUNT_MEMBERS_SQL, [segmentIds])
}
