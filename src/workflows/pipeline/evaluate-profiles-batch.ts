import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { emitEventStep } from "@medusajs/medusa/core-flows"
import { SEGMENT_ENTERED, SEGMENT_EXITED, planEventData } from "./steps/membership-events"
import type { ProfilePlan } from "./steps/plan-profile-memberships"
import {
  applyBatchStep,
  claimBatchStep,
  lockSubjectsStep,
  planBatchStep,
  recordBatchStep,
  releaseSubjectsStep,
  repriceBatchStep,
  syncGroupsBatchStep,
  type BatchSubject,
} from "./evaluate-profiles-batch-steps"

export type EvaluateProfilesBatchInput = { subjects: BatchSubject[]; now?: Date | string }

/**
 * evaluate-profile for many subjects in ONE run (the `personalization.events.tracked` micro-batch, see
 * lib/pipeline/evaluate-tracked.ts): each subject's pipeline lock (subjects whose lock is busy are returned in
 * `busy`, not evaluated), one claim statement (row locks + start instant; covered/merged/gone profiles skipped),
 * one set-based plan, the membership writes of all of them in one transaction, managed groups, entered/exited
 * events (released only if the run succeeds), open carts, then `evaluated_at` for all of them as the last step.
 * Any failure compensates the whole batch: no profile of it is recorded as evaluated.
 */
export const evaluateProfilesBatchWorkflow = createWorkflow(
  "personalization-evaluate-profiles-batch",
  (input: EvaluateProfilesBatchInput) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const lock = lockSubjectsStep(transform({ input }, ({ input }) => ({ subjects: input.subjects })))
    const claims = claimBatchStep(transform({ lock, now }, ({ lock, now }) => ({ subjects: lock.locked, now })))
    const planned = planBatchStep({ claims, now })
    // From here on, the plans as written (entries/exits a concurrent run made first are left out).
    const plans = applyBatchStep({ plans: planned, now })
    syncGroupsBatchStep({ plans })
    emitEventStep({ eventName: SEGMENT_ENTERED, data: eventData(plans, "enter") }).config({ name: "personalization-batch-emit-entered" })
    emitEventStep({ eventName: SEGMENT_EXITED, data: eventData(plans, "exit") }).config({ name: "personalization-batch-emit-exited" })
    recordBatchStep({ claims })
    // Last: nothing after it can fail and compensate the batch under re-priced carts (best effort, no undo).
    repriceBatchStep({ plans })
    releaseSubjectsStep(transform({ lock }, ({ lock }) => ({ keys: lock.keys })))
    return new WorkflowResponse(
      transform({ lock, claims, plans }, ({ lock, claims, plans }) => ({
        busy: lock.busy,
        evaluated: claims.map((c) => c.profile_id),
        changed: plans.filter((p) => p.enter.length || p.exit.length).length,
      }))
    )
  }
)

function eventData(plans: ProfilePlan[] | { __type?: unknown }, kind: "enter" | "exit") {
  return transform({ plans }, ({ plans }) => (plans as ProfilePlan[]).flatMap((p) => planEventData(p, kind)))
}
