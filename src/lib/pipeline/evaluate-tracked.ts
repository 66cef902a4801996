// Re-evaluation of a subject after a tracked batch (the `personalization.events.tracked` subscriber, and the
// tracking route's fallback when the event bus refuses the message).
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { sql } from "../db/raw-sql"
import { evaluateProfileWorkflow } from "../../workflows/pipeline/evaluate-profile"
import { evaluateProfilesBatchWorkflow } from "../../workflows/pipeline/evaluate-profiles-batch"
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

// ---------------------------------------------------------------------------------------------------------------
// Micro-batching (the subscriber's path). One evaluate-profile run per tracked batch costs a whole workflow
// (tens of ms of CPU) per request, competing with the store's requests for the same cores. Instead the subscriber
// queues the subject and ONE drainer evaluates up to BATCH_MAX queued subjects per pass with
// evaluate-profiles-batch (one claim statement, one set-based plan, one transaction of membership writes). While a
// pass runs, new messages queue up for the next one: the batch size follows the load, with no timer and no
// added latency when the store is quiet (a lone message is a pass of one).
//
// Nothing is lost:
// - Each subscriber call resolves only when its subject's pass has ended (evaluated, skipped as covered, or handed
//   to the one-subject path below), so with the Redis bus the job completes after the evaluation committed; a
//   worker that dies with subjects queued leaves their jobs active and BullMQ redelivers them (see
//   ARCHITECTURE.md). The queue itself is only memory.
// - `evaluated_at` is written (last step of the batch run, for every claimed profile) only when the whole batch
//   completed; a redelivered or duplicate message whose batch was seen is skipped by it, one that was not is
//   evaluated again.
// - A subject whose pipeline lock is busy, or every subject of a batch run that failed (it compensated: nothing of
//   it is written or recorded), goes to evaluateTrackedSafely: waits for the lock, retries, then retryLater (the
//   minute job).
// - With the local event bus a process that dies loses its in-memory messages, batched or not (as before): the
//   events are stored, and the subject is evaluated by its next batch, a consent change or a segment refresh.
// ---------------------------------------------------------------------------------------------------------------

/** Subjects per batch run (one claim statement, one plan, one write transaction). */
export const BATCH_MAX = 50

type Queued = { msg: TrackedSubject; waiters: Array<(o: TrackedOutcome) => void> }
const queue = new Map<string, Queued>()
let draining = false

/** Batch runs in this process since it started (observability; the bench and tests read it). */
export const trackedBatchStats = { passes: 0, subjects: 0, batched: 0, fallbacks: 0, largest: 0 }

/** Later of two `at` stamps; null (evaluate unconditionally) wins. Both are Postgres text of the same clock. */
function laterAt(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a || !b) return null
  return new Date(a).getTime() === new Date(b).getTime() ? (a >= b ? a : b) : new Date(a) > new Date(b) ? a : b
}

/**
 * The subscriber's entry point: queues the subject (merged with a queued message for the same profile: the later
 * `at` is kept, the merged message counts as skipped when the evaluation runs) and resolves when it was handled.
 * Never throws.
 */
export function evaluateTrackedBatched(container: MedusaContainer, msg: TrackedSubject): Promise<TrackedOutcome> {
  return new Promise<TrackedOutcome>((resolve) => {
    const queued = queue.get(msg.profile_id)
    if (queued) {
      queued.msg = { ...queued.msg, customer_id: queued.msg.customer_id ?? msg.customer_id ?? null, at: laterAt(queued.msg.at, msg.at) }
      queued.waiters.push(resolve)
    } else {
      queue.set(msg.profile_id, { msg, waiters: [resolve] })
    }
    if (!draining) void drain(container)
  })
}

async function drain(container: MedusaContainer): Promise<void> {
  draining = true
  try {
    while (queue.size) {
      const batch: Queued[] = []
      for (const [id, q] of queue) {
        queue.delete(id)
        batch.push(q)
        if (batch.length >= BATCH_MAX) break
      }
      await pass(container, batch)
    }
  } finally {
    draining = false
  }
}

/** The first waiter of a queued subject gets the outcome; merged duplicates count as skipped when it evaluated. */
function settle(q: Queued, outcome: TrackedOutcome): void {
  q.waiters.forEach((resolve, i) => {
    const o = i > 0 && outcome === "evaluated" ? "skipped" : outcome
    trackedEvaluationCounts[o]++
    resolve(o)
  })
}

/** The one-subject path (waits for the lock, retries, then retryLater); not awaited by the drainer. */
function fallBack(container: MedusaContainer, q: Queued): void {
  trackedBatchStats.fallbacks++
  void evaluateTrackedSafely(container, q.msg).then(
    (outcome) => {
      // evaluateTrackedSafely counted the first message itself.
      trackedEvaluationCounts[outcome]--
      settle(q, outcome)
    },
    () => settle(q, "failed")
  )
}

async function pass(container: MedusaContainer, batch: Queued[]): Promise<void> {
  trackedBatchStats.passes++
  trackedBatchStats.subjects += batch.length
  trackedBatchStats.largest = Math.max(trackedBatchStats.largest, batch.length)
  // Covered without taking a lock: a completed evaluation started after the newest batch (burst coalescing).
  let todo = batch
  try {
    const withAt = batch.filter((q) => q.msg.at)
    if (withAt.length) {
      const covered = new Set(
        (
          await sql<{ id: string }>(
            container,
            `SELECT p.id FROM unnest($1::text[], $2::timestamptz[]) AS w(id, seen_at)
               JOIN personalization_customer_profile p ON p.id = w.id
              WHERE p.evaluated_at IS NOT NULL AND p.evaluated_at >= w.seen_at`,
            [withAt.map((q) => q.msg.profile_id), withAt.map((q) => q.msg.at)]
          )
        ).map((r) => r.id)
      )
      todo = []
      for (const q of batch) {
        if (covered.has(q.msg.profile_id)) settle(q, "skipped")
        else todo.push(q)
      }
    }
  } catch {
    // Storage hiccup: let the batch run (or its fallback) deal with it.
  }
  if (!todo.length) return
  let result: { busy: TrackedSubject[]; evaluated: string[] }
  try {
    ;({ result } = await evaluateProfilesBatchWorkflow(container).run({
      input: { subjects: todo.map((q) => ({ profile_id: q.msg.profile_id, customer_id: q.msg.customer_id ?? null, at: q.msg.at ?? null })) },
    }))
  } catch (e) {
    // The run compensated (nothing written, nothing recorded): every subject of it goes the one-subject way.
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(`personalization: batch evaluation of ${todo.length} tracked subjects failed (${(e as Error).message}); evaluating them one by one`)
    for (const q of todo) fallBack(container, q)
    return
  }
  trackedBatchStats.batched += result.evaluated.length
  const evaluated = new Set(result.evaluated)
  const busy = new Set(result.busy.map((s) => s.profile_id))
  for (const q of todo) {
    if (busy.has(q.msg.profile_id)) fallBack(container, q)
    else settle(q, evaluated.has(q.msg.profile_id) ? "evaluated" : "skipped") // skipped: covered/merged/gone under the lock
  }
}
