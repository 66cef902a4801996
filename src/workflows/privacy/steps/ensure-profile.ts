import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findOrCreateProfile, retiredVisitorError, type SubjectRef } from "../../../lib/privacy/profiles"
import { sql } from "../../../lib/db/raw-sql"

export type EnsuredProfile = { profile_id: string; customer_id: string | null; created: boolean }

/**
 * Finds or creates the subject's profile (one INSERT … ON CONFLICT, safe under concurrency). A visitor id
 * that was merged into a customer is refused (409): it must never write into, or read, the customer's data.
 * Compensation deletes a profile this step created.
 */
export const ensureProfileStep = createStep(
  "personalization-ensure-profile",
  async (input: { ref: SubjectRef }, { container }) => {
    const { profile, created } = await findOrCreateProfile(container, input.ref)
    if (profile.merged_into_id) throw retiredVisitorError()
    return new StepResponse<EnsuredProfile, string | null>(
      { profile_id: profile.id, customer_id: profile.customer_id, created },
      created ? profile.id : null
    )
  },
  async (createdId, { container }) => {
    if (!createdId) return
    await sql(container, `DELETE FROM personalization_customer_profile WHERE id = $1`, [createdId])
  }
)
