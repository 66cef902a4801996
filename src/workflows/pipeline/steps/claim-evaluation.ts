import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { sql } from "../../../lib/db/raw-sql"

export type ClaimEvaluationInput = {
  profile_id: string
  /**
   * Database time (text, microseconds) at which the work that asked for this evaluation was stored — e.g. a
   * tracked batch (`personalization.events.tracked`'s `at`). When set, the evaluation is skipped if another
   * one STARTED at or after it: that one loaded the profile and its events after they were committed.
   */
  seen_at?: string | null
  /** Customers: keep the profile's scheduled change (cart abandonment) that only a full refresh recomputes. */
  keep_scheduled?: boolean
  /** The evaluation time (tests move the clock); defaults to now. */
  now?: Date | string
}

export type ClaimEvaluationResult = {
  /** The profile to evaluate, or null (skipped: already covered, or the profile is gone/merged). */
  profile_id: string | null
  /** A still-future `next_change_at` to keep (customers only), for planProfileMembershipsStep's extraChangeAt. */
  keep_change_at: Date | null
}

type Undo = { profile_id: string; previous: string | null; started: string }

/**
 * Marks the START of a profile's evaluation: `evaluated_at` = database clock, in one UPDATE on the profile
 * row, before anything is loaded. The row lock orders it against ingestion (insert-events locks the same
 * row until commit and stamps its batch with the clock after taking that lock): an evaluation whose
 * `evaluated_at` is >= a batch's `at` began after that batch committed, so it saw it. With `seen_at`, the
 * claim is conditional (`evaluated_at < seen_at`) and a lost claim skips the evaluation — that is how a
 * burst of batches for one subject coalesces into a few evaluations. Runs under the workflow's lock.
 * Compensation puts the previous value back (if still ours), so a failed evaluation is not taken as done.
 */
export const claimEvaluationStep = createStep(
  "personalization-claim-evaluation",
  async (input: ClaimEvaluationInput, { container }) => {
    const seen = input.seen_at ?? null
    const [row] = await sql<{ previous: string | null; started: string; next_change_at: Date | null; customer_id: string | null }>(
      container,
      `WITH prev AS (SELECT id, evaluated_at FROM personalization_customer_profile WHERE id = $1)
       UPDATE personalization_customer_profile c
          SET evaluated_at = clock_timestamp()
         FROM prev
        WHERE c.id = prev.id AND c.deleted_at IS NULL
          AND ($2::timestamptz IS NULL OR (c.merged_into_id IS NULL AND (c.evaluated_at IS NULL OR c.evaluated_at < $2::timestamptz)))
       RETURNING prev.evaluated_at::text AS previous, c.evaluated_at::text AS started, c.next_change_at, c.customer_id`,
      [input.profile_id, seen]
    )
    if (!row) {
      // Skipped (covered by a later-started evaluation) or gone. Without seen_at a missing profile still goes
      // to the planner, which returns no plan for it (the behaviour before this step existed).
      return new StepResponse<ClaimEvaluationResult, Undo | null>(
        { profile_id: seen ? null : input.profile_id, keep_change_at: null },
        null
      )
    }
    const next = row.next_change_at ? new Date(row.next_change_at) : null
    const keep = input.keep_scheduled && row.customer_id && next && next.getTime() > (input.now ? new Date(input.now).getTime() : Date.now()) ? next : null
    return new StepResponse<ClaimEvaluationResult, Undo | null>(
      { profile_id: input.profile_id, keep_change_at: keep },
      { profile_id: input.profile_id, previous: row.previous, started: row.started }
    )
  },
  async (undo, { container }) => {
    if (!undo) return
    await sql(
      container,
      `UPDATE personalization_customer_profile SET evaluated_at = $2::timestamptz
        WHERE id = $1 AND evaluated_at = $3::timestamptz`,
      [undo.profile_id, undo.previous, undo.started]
    )
  }
)
