// Re-evaluation of a subject after a tracked batch (the `personalization.events.tracked` subscriber, and the
// tracking route's fallback when the event bus refuses the message).
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { sql } from "../db/raw-sql"
import { evaluateProfileWorkflow } from "../../workflows/pipeline/evaluate-profile"

export type TrackedSubject = { profile_id: string; customer_id?: string | null; at?: string | null }
export type TrackedOutcome = "skipped" | "evaluated" | "failed"

/** How tracked-batch evaluations ended in this process since it started (observability; the burst test reads it). */
export const trackedEvaluationCounts: Record<TrackedOutcome, number> = { skipped: 0, evaluated: 0, failed: 0 }

/**
 * Behaviour changes no order/cart trait, so customers and visitors alike get the evaluate-profile workflow
 * (customers under the per-customer lock every customer write takes). Skipped without taking a lock when a
 * COMPLETED evaluation started at or after the batch's `at` (it loaded the batch); the workflow re-checks that
 * under the lock, which is what coalesces a burst. `evaluated_at` is written only when an evaluation
 * completes, so a message whose evaluation died with its worker is evaluated again on redelivery.
 * Idempotent: evaluating twice plans no change the second time. Never throws: failures are logged (the
 * workflow compensated) and the next batch or the due-profile job evaluates again.
 */
export async function evaluateTrackedSafely(container: MedusaContainer, msg: TrackedSubject): Promise<TrackedOutcome> {
  const outcome = await evaluate(container, msg)
  trackedEvaluationCounts[outcome]++
  return outcome
}

async function evaluate(container: MedusaContainer, msg: TrackedSubject): Promise<TrackedOutcome> {
  try {
    if (msg.at) {
      const [row] = await sql<{ covered: boolean }>(
        container,
        `SELECT (evaluated_at IS NOT NULL AND evaluated_at >= $2::timestamptz) AS covered
           FROM personalization_customer_profile WHERE id = $1`,
        [msg.profile_id, msg.at]
      )
      if (!row || row.covered) return "skipped"
    }
    const { result } = await evaluateProfileWorkflow(container).run({
      input: { profile_id: msg.profile_id, customer_id: msg.customer_id ?? null, seen_at: msg.at ?? null },
    })
    // No plan: the claim under the lock found a later-started evaluation (or the profile is gone).
    return result.plan ? "evaluated" : "skipped"
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`personalization: evaluating profile ${msg.profile_id} after tracked events failed: ${(e as Error).message}`)
    return "failed"
  }
}
