import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { PROFILE_LOCK } from "./profile-lock"
import { planProfileMembershipsStep } from "./steps/plan-profile-memberships"
import { recordEvaluationStep, startEvaluationStep } from "./steps/claim-evaluation"
import { applyMembershipPlanStep } from "./steps/apply-membership-plan"
import { syncManagedGroupsStep } from "./steps/sync-managed-groups"
import { refreshOpenCartsStep } from "./steps/refresh-open-carts"
import { membershipEventData, SEGMENT_ENTERED, SEGMENT_EXITED } from "./steps/membership-events"

/**
 * Re-evaluates one profile's memberships without recomputing order traits: for visitors, for new behaviour
 * events and consent changes, and for scheduled time-based changes of visitor profiles. Also for customers'
 * tracked events (behaviour does not change order/cart traits): pass `customer_id` so the per-customer lock
 * that every customer write takes is used. `seen_at` (a tracked batch's time) skips the run when a completed
 * evaluation started after that batch was stored; a run records its start in `evaluated_at` as its last step
 * (see steps/claim-evaluation.ts).
 */
export const evaluateProfileWorkflow = createWorkflow(
  "personalization-evaluate-profile",
  (input: { profile_id: string; now?: Date | string; customer_id?: string | null; seen_at?: string | null }) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const lockKey = transform({ input }, ({ input }) =>
      input.customer_id ? `personalization:profile:${input.customer_id}` : `personalization:profile-id:${input.profile_id}`
    )
    acquireLockStep({ key: lockKey, ...PROFILE_LOCK })
    const claim = startEvaluationStep(
      transform({ input, now }, ({ input, now }) => ({
        profile_id: input.profile_id,
        seen_at: input.seen_at ?? null,
        keep_scheduled: !!input.customer_id,
        now,
      }))
    )
    const plan = planProfileMembershipsStep(
      transform({ claim, now }, ({ claim, now }) => ({ profile_id: claim.profile_id, now, extraChangeAt: claim.keep_change_at }))
    )
    applyMembershipPlanStep({ plan, now })
    syncManagedGroupsStep({ plan, customerExists: true })
    emitEventStep({ eventName: SEGMENT_ENTERED, data: membershipEventData(plan, "enter") }).config({
      name: "personalization-emit-entered",
    })
    emitEventStep({ eventName: SEGMENT_EXITED, data: membershipEventData(plan, "exit") }).config({
      name: "personalization-emit-exited",
    })
    refreshOpenCartsStep({ plan })
    recordEvaluationStep(transform({ claim }, ({ claim }) => ({ profile_id: claim.profile_id, started: claim.started })))
    releaseLockStep({ key: lockKey })
    return new WorkflowResponse({ plan })
  }
)
