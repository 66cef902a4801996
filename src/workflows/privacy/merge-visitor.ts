import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { ensureProfileStep } from "./steps/ensure-profile"
import { mergeVisitorStep } from "./steps/merge-visitor"
import { purgeMarkedBehaviourStep } from "./steps/purge-behaviour"
import { refreshCustomerProfileWorkflow } from "../pipeline/refresh-customer-profile"
import type { AuditActor } from "../../lib/privacy/audit"

export type MergeVisitorWorkflowInput = {
  visitor_id: string
  customer_id: string
  require_consent: boolean
  actor: AuditActor
  /** identify | cart.customer_transferred */
  source: string
  now?: Date | string
}

/**
 * Identity stitching: a visitor signs in, registers, or has a cart transferred to their account. The visitor
 * profile merges into the customer's (see mergeVisitorStep), then the customer's traits and memberships are
 * recomputed. Serialized per visitor id; a visitor id merges into at most one customer (409 otherwise).
 */
export const mergeVisitorWorkflow = createWorkflow("personalization-merge-visitor", (input: MergeVisitorWorkflowInput) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  // The customer's pipeline lock (held for the nested refresh, whose own lock step Medusa skips in a
  // sub-workflow), then the visitor id's. Always in this order; one key per step (a multi-key acquire that
  // fails half-way would leave the first key held).
  const customerKey = transform({ input }, ({ input }) => `personalization:profile:${input.customer_id}`)
  const lockKey = transform({ input }, ({ input }) => `personalization:visitor:${input.visitor_id}`)
  acquireLockStep({ key: customerKey, timeout: 30, ttl: 120 }).config({ name: "personalization-merge-lock-customer" })
  acquireLockStep({ key: lockKey, timeout: 30, ttl: 120 })
  const customerProfile = ensureProfileStep(transform({ input }, ({ input }) => ({ ref: { customer_id: input.customer_id } })))
  const merged = mergeVisitorStep(
    transform({ input, customerProfile, now }, ({ input, customerProfile, now }) => ({
      visitor_id: input.visitor_id,
      customer_id: input.customer_id,
      customer_profile_id: customerProfile.profile_id,
      require_consent: input.require_consent,
      actor: input.actor,
      source: input.source,
      now,
    }))
  )
  when("visitor-merged", { merged, customerProfile }, ({ merged, customerProfile }) => merged.merged || customerProfile.created).then(() => {
    refreshCustomerProfileWorkflow
      .runAsStep({ input: transform({ input, now }, ({ input, now }) => ({ customer_id: input.customer_id, now })) })
      .config({ name: "personalization-merge-refresh-customer" })
  })
  purgeMarkedBehaviourStep(
    transform({ merged }, ({ merged }) => ({
      marked: { event_ids: merged.dropped_event_ids, membership_ids: [], segment_ids: [], unlinked: [] },
    }))
  ).config({ name: "personalization-merge-purge-dropped" })
  releaseLockStep({ key: lockKey })
  releaseLockStep({ key: customerKey }).config({ name: "personalization-merge-unlock-customer" })
  return new WorkflowResponse(merged)
})
