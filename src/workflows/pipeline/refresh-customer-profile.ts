import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { PROFILE_LOCK } from "./profile-lock"
import { computeCustomerTraitsStep, type RefreshScope } from "./steps/compute-customer-traits"
import { upsertCustomerProfileStep } from "./steps/upsert-customer-profile"
import { planProfileMembershipsStep } from "./steps/plan-profile-memberships"
import { applyMembershipPlanStep } from "./steps/apply-membership-plan"
import { syncManagedGroupsStep } from "./steps/sync-managed-groups"
import { refreshOpenCartsStep } from "./steps/refresh-open-carts"
import { membershipEventData, SEGMENT_ENTERED, SEGMENT_EXITED } from "./steps/membership-events"

export type RefreshCustomerProfileInput = {
  customer_id: string
  /** The evaluation time; defaults to now. Tests inject it to move the clock. */
  now?: Date | string
  /** "account" after `customer.updated`: orders and carts are not re-read (see computeCustomerTraitsStep). */
  scope?: RefreshScope
}

/**
 * The real-time path for one customer: recompute traits from Medusa's own data, re-evaluate the active
 * segments, write entries/exits, mirror them into managed customer groups, re-price open carts and emit
 * personalization.segment.entered / .exited. Idempotent (recomputed from the source), serialized per
 * customer by a lock, and compensated step by step on failure.
 */
export const refreshCustomerProfileWorkflow = createWorkflow(
  "personalization-refresh-customer-profile",
  (input: RefreshCustomerProfileInput) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const lockKey = transform({ input }, ({ input }) => `personalization:profile:${input.customer_id}`)
    acquireLockStep({ key: lockKey, ...PROFILE_LOCK })

    const computed = computeCustomerTraitsStep({ customer_id: input.customer_id, now, scope: input.scope })
    const upserted = upsertCustomerProfileStep(
      transform({ computed }, ({ computed }) => ({
        customer_id: computed.customer_id,
        traits: computed.traits,
        existing: computed.existing ?? null,
      }))
    )
    const plan = planProfileMembershipsStep(
      transform({ computed, upserted, now }, ({ computed, upserted, now }) => ({
        profile_id: upserted.profile_id,
        profile: upserted.profile,
        segments: computed.segments,
        now,
        leaveAll: !computed.exists,
        extraChangeAt: computed.cartsChangeAt,
      }))
    )
    applyMembershipPlanStep({ plan, now })
    syncManagedGroupsStep(transform({ plan, computed }, ({ plan, computed }) => ({ plan, customerExists: computed.exists })))

    emitEventStep({ eventName: SEGMENT_ENTERED, data: membershipEventData(plan, "enter") }).config({
      name: "personalization-emit-entered",
    })
    emitEventStep({ eventName: SEGMENT_EXITED, data: membershipEventData(plan, "exit") }).config({
      name: "personalization-emit-exited",
    })
    const carts = refreshOpenCartsStep({ plan })

    releaseLockStep({ key: lockKey })
    return new WorkflowResponse({ plan, carts })
  }
)
