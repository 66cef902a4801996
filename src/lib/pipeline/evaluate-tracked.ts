// Re-evaluation of a subject after a tracked batch (the `personalization.events.tracked` subscriber, and the
// tracking route's fallback when the event bus refuses the message).
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { sql } from "../db/raw-sql"
import { evaluateProfileWorkflow } from "../../workflows/pipeline/evaluate-profile"
import { retryLater } from "./retry-later"

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
  await acquireSlot()
  try {
    const outcome = await evaluate(container, msg)
    trackedEvaluationCounts[outcome]++
    return outcome
  } finally {
    releaseSlot()
  }
}

// At most MAX_CONCURRENT evaluations at a time in this process. Medusa's local event bus starts every
// subscriber at once, so a burst of tracked batches would otherwise start as many evaluations as batches,
// competing with the store's requests for the event loop and with each other for the same segment rows.
// Queued messages are checked after they get a slot, so they coalesce with the evaluations before them.
// (The Redis event bus has its own limit: BullMQ's worker concurrency.)
const MAX_CONCURRENT = 4
let active = 0
const waiting: Array<() => void> = []
async function acquireSlot(): Promise<void> {
  if (active < MAX_CONCURRENT) {
    active++
    return
  }
  await new Promise<void>((resolve) => waiting.push(resolve)) // the slot is handed over by releaseSlot
}
function releaseSlot(): void {
  const next = waiting.shift()
  if (next) next()
  else active--
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
  } catch (e) {
    return logFailure(container, msg, e)
  }
  // Transient failures (a lock wait timing out, a serialization conflict): the failed run compensated and
  // recorded nothing, so running it again is safe. A few attempts with a short random pause, then the minute job.
  for (let attempt = 1; ; attempt++) {
    try {
      const { result } = await evaluateProfileWorkflow(container).run({
        input: { profile_id: msg.profile_id, customer_id: msg.customer_id ?? null, seen_at: msg.at ?? null },
      })
      // No plan: the check under the lock found a completed evaluation that started later (or the profile is gone).
      return result.plan ? "evaluated" : "skipped"
    } catch (e) {
      if (attempt >= ATTEMPTS) {
        // e.g. a killed worker's lock still held: the minute job tries again once it has expired.
        await retryLater(container, { profile_id: msg.profile_id })
        return logFailure(container, msg, e)
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 200 * attempt))
    }
  }
}

const ATTEMPTS = 3

function logFailure(container: MedusaContainer, msg: TrackedSubject, e: unknown): "failed" {
  container
    .resolve(ContainerRegistrationKeys.LOGGER)
    .error(`personalization: evaluating profile ${msg.profile_id} after tracked events failed: ${(e as Error).message}`)
  return "failed"
}
