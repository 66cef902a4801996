import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { sql } from "../../../lib/db/raw-sql"

// `evaluated_at` on a profile = the START instant (database clock) of its last COMPLETED evaluation. Two
// steps: startEvaluationStep reads the start instant before anything is loaded; recordEvaluationStep writes
// it as the workflow's last step. Writing it only at the end means an evaluation that died half-way (a
// SIGKILLed worker) never marks a batch as seen: the queue's redelivery evaluates again.

export type StartEvaluationInput = {
  profile_id: string
  /**
   * Database time (text, microseconds) at which the work asking for this evaluation was stored — a tracked
   * batch's `at` (`personalization.events.tracked`). The evaluation is skipped when a completed one STARTED
   * at or after it: that one loaded the profile and its events after the batch was committed.
   */
  seen_at?: string | null
  /** Customers: keep the profile's scheduled change (cart abandonment) that only a full refresh recomputes. */
  keep_scheduled?: boolean
  /** The evaluation time (tests move the clock); defaults to now. */
  now?: Date | string
}

export type StartEvaluationResult = {
  /** The profile to evaluate, or null (skipped: already covered, or the profile is gone/merged). */
  profile_id: string | null
  /** Database clock when this evaluation started (after the profile row lock), for recordEvaluationStep. */
  started: string | null
  /** A still-future `next_change_at` to keep (customers only), for planProfileMembershipsStep's extraChangeAt. */
  keep_change_at: Date | null
}

/**
 * Read-only. Takes the profile ROW lock for the length of one statement and reads the clock after it: the
 * event insert (insert-events) holds that row lock until its commit and stamps its batch with the clock
 * read after taking it, so every batch stamped before `started` is committed before this evaluation loads
 * anything, and every batch stamped after it is newer than `started`. Runs under the workflow's lock.
 */
export const startEvaluationStep = createStep(
  "personalization-start-evaluation",
  async (input: StartEvaluationInput, { container }) => {
    const seen = input.seen_at ?? null
    const [row] = await sql<{
      started: string
      covered: boolean
      next_change_at: Date | null
      customer_id: string | null
      merged: boolean
    }>(
      container,
      `WITH locked AS MATERIALIZED (
         SELECT id, evaluated_at, next_change_at, customer_id, merged_into_id
           FROM personalization_customer_profile WHERE id = $1 AND deleted_at IS NULL FOR UPDATE
       )
       SELECT clock_timestamp()::text AS started,
              ($2::timestamptz IS NOT NULL AND evaluated_at IS NOT NULL AND evaluated_at >= $2::timestamptz) AS covered,
              next_change_at, customer_id, merged_into_id IS NOT NULL AS merged
         FROM locked`,
      [input.profile_id, seen]
    )
    if (!row) {
      // Gone. Without seen_at the planner still gets the id and returns no plan (the behaviour before).
      return new StepResponse<StartEvaluationResult>({ profile_id: seen ? null : input.profile_id, started: null, keep_change_at: null })
    }
    if (seen && (row.covered || row.merged)) {
      return new StepResponse<StartEvaluationResult>({ profile_id: null, started: null, keep_change_at: null })
    }
    const next = row.next_change_at ? new Date(row.next_change_at) : null
    const nowMs = input.now ? new Date(input.now).getTime() : Date.now()
    const keep = input.keep_scheduled && row.customer_id && next && next.getTime() > nowMs ? next : null
    return new StepResponse<StartEvaluationResult>({ profile_id: input.profile_id, started: row.started, keep_change_at: keep })
  }
)

type Undo = { profile_id: string; previous: string | null; started: string }

/**
 * The workflow's last step: `evaluated_at` = GREATEST(evaluated_at, started). Compensation (a later step
 * failed) restores the previous value if it is still ours.
 */
export const recordEvaluationStep = createStep(
  "personalization-record-evaluation",
  async (input: { profile_id: string | null; started: string | null }, { container }) => {
    if (!input.profile_id || !input.started) return new StepResponse(undefined, null as Undo | null)
    const [row] = await sql<{ previous: string | null; recorded: string }>(
      container,
      `WITH prev AS (SELECT id, evaluated_at FROM personalization_customer_profile WHERE id = $1)
       UPDATE personalization_customer_profile c
          SET evaluated_at = GREATEST(COALESCE(c.evaluated_at, $2::timestamptz), $2::timestamptz)
         FROM prev WHERE c.id = prev.id
       RETURNING prev.evaluated_at::text AS previous, c.evaluated_at::text AS recorded`,
      [input.profile_id, input.started]
    )
    if (!row) return new StepResponse(undefined, null as Undo | null)
    return new StepResponse(undefined, { profile_id: input.profile_id, previous: row.previous, started: row.recorded } as Undo | null)
  },
  async (undo, { container }) => {
    if (!undo) return
    await sql(
      container,
      `UPDATE personalization_customer_profile SET evaluated_at = $2::timestamptz WHERE id = $1 AND evaluated_at = $3::timestamptz`,
      [undo.profile_id, undo.previous, undo.started]
    )
  }
)
