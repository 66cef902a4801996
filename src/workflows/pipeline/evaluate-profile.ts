import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { planProfileMembershipsStep } from "./steps/plan-profile-memberships"
import { applyMembershipPlanStep } from "./steps/apply-membership-plan"
import { syncManagedGroupsStep } from "./steps/sync-managed-groups"
import { refreshOpenCartsStep } from "./steps/refresh-open-carts"
import { membershipEventData, SEGMENT_ENTERED, SEGMENT_EXITED } from "./steps/membership-events"

/**
 * Re-evaluates one profile's memberships without recomputing order traits: for visitors, for new behaviour
 * events and consent changes, and for scheduled time-based changes of visitor profiles.
 */
export const evaluateProfileWorkflow = createWorkflow(
  "personalization-evaluate-profile",
  (input: { profile_id: string; now?: Date | string }) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const lockKey = transform({ input }, ({ input }) => `personalization:profile-id:${input.profile_id}`)
    acquireLockStep({ key: lockKey, timeout: 30, ttl: 120 })
    const plan = planProfileMembershipsStep({ profile_id: input.profile_id, now })
    applyMembershipPlanStep({ plan, now })
    syncManagedGroupsStep({ plan, customerExists: true })
    emitEventStep({ eventName: SEGMENT_ENTERED, data: membershipEventData(plan, "enter") }).config({
      name: "personalization-emit-entered",
    })
    emitEventStep({ eventName: SEGMENT_EXITED, data: membershipEventData(plan, "exit") }).config({
      name: "personalization-emit-exited",
    })
    refreshOpenCartsStep({ plan })
    releaseLockStep({ key: lockKey })
    return new WorkflowResponse({ plan })
  }
)
