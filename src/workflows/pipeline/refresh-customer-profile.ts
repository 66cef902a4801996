import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { RefreshScope } from "./steps/compute-customer-traits"
import { finishRefreshStep, prepareRefreshStep, writeRefreshStep } from "./steps/refresh-steps"

export type RefreshCustomerProfileInput = {
  customer_id: string
  /** The evaluation time; defaults to now. Tests inject it to move the clock. */
  now?: Date | string
  /** "account" after `customer.updated`: orders and carts are not re-read (see computeCustomerTraits). */
  scope?: RefreshScope
}

/**
 * The real-time path for one customer: recompute traits from Medusa's own data, re-evaluate the active
 * segments, write entries/exits and the profile in one transaction while mirroring them into managed customer
 * groups, then re-price open carts and emit personalization.segment.entered / .exited. Idempotent (recomputed
 * from the source), serialized per customer by a lock, and compensated step by step on failure. Three steps
 * (steps/refresh-steps.ts): prepare (lock + reads + plan) → write (rows visible) → finish (carts, events, unlock).
 */
export const refreshCustomerProfileWorkflow = createWorkflow(
  "personalization-refresh-customer-profile",
  (input: RefreshCustomerProfileInput) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const prepared = prepareRefreshStep(
      transform({ input, now }, ({ input, now }) => ({ customer_id: input.customer_id, now, scope: input.scope }))
    )
    writeRefreshStep({ prepared, now })
    const carts = finishRefreshStep({ prepared })
    const plan = transform({ prepared }, ({ prepared }) => prepared.plan)
    return new WorkflowResponse({ plan, carts })
  }
)
