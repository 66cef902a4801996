import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { ensureProfileStep } from "./steps/ensure-profile"
import { recordConsentStep, type ConsentDecision } from "./steps/record-consent"
import { markBehaviourDeletedStep, purgeMarkedBehaviourStep } from "./steps/purge-behaviour"
import { evaluateProfileWorkflow } from "../pipeline/evaluate-profile"
import { refreshCustomerProfileWorkflow } from "../pipeline/refresh-customer-profile"
import type { SubjectRef } from "../../lib/privacy/profiles"

export type RecordConsentWorkflowInput = {
  subject: SubjectRef
  decisions: ConsentDecision[]
  source: "store" | "admin" | "import"
  policy_version?: string | null
  now?: Date | string
}

/**
 * One or more consent decisions for a subject: ledger rows + current state, then memberships re-evaluated
 * in the same workflow, so a withdrawal takes the subject out of every segment needing that purpose at once.
 * Withdrawing (or denying) `personalization` also deletes the subject's behaviour events and its
 * memberships of behavioural segments (history included). Any failure undoes every step.
 */
export const recordConsentWorkflow = createWorkflow(
  "personalization-record-consent",
  (input: RecordConsentWorkflowInput) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const profile = ensureProfileStep(transform({ input }, ({ input }) => ({ ref: input.subject })))
    // The pipeline's own lock for this subject. Nested workflows skip their lock steps (Medusa runs
    // acquireLockStep only in the top-level workflow), so the parent must hold it for them.
    const lockKey = transform({ profile }, ({ profile }) =>
      profile.customer_id ? `personalization:profile:${profile.customer_id}` : `personalization:profile-id:${profile.profile_id}`
    )
    acquireLockStep({ key: lockKey, timeout: 30, ttl: 120 })
    recordConsentStep(
      transform({ input, profile, now }, ({ input, profile, now }) => ({
        profile_id: profile.profile_id,
        decisions: input.decisions,
        source: input.source,
        policy_version: input.policy_version ?? null,
        now,
      }))
    )
    const marked = when(
      "personalization-withdrawn",
      { input },
      ({ input }) => input.decisions.some((d) => d.purpose === "personalization" && d.status !== "granted")
    ).then(() => markBehaviourDeletedStep(transform({ profile, now }, ({ profile, now }) => ({ profile_id: profile.profile_id, now }))))

    // Customers are re-evaluated the way the pipeline does it (traits recomputed, under the per-customer lock
    // every customer write takes); visitors under the per-profile lock.
    when("evaluate-customer", { profile }, ({ profile }) => !!profile.customer_id).then(() => {
      refreshCustomerProfileWorkflow
        .runAsStep({ input: transform({ profile, now }, ({ profile, now }) => ({ customer_id: profile.customer_id!, now })) })
        .config({ name: "personalization-consent-refresh-customer" })
    })
    when("evaluate-visitor", { profile }, ({ profile }) => !profile.customer_id).then(() => {
      evaluateProfileWorkflow
        .runAsStep({ input: transform({ profile, now }, ({ profile, now }) => ({ profile_id: profile.profile_id, now })) })
        .config({ name: "personalization-consent-evaluate-profile" })
    })

    const purged = purgeMarkedBehaviourStep(transform({ marked }, ({ marked }) => ({ marked: marked ?? null })))
    releaseLockStep({ key: lockKey })
    return new WorkflowResponse(
      transform({ profile, purged }, ({ profile, purged }) => ({ profile_id: profile.profile_id, purged }))
    )
  }
)
