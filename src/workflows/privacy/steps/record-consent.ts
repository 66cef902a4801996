import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import { inTransaction } from "../../../lib/db/transaction"
import { conflict } from "../../../lib/errors"

export type ConsentStatus = "granted" | "denied" | "withdrawn"
export type ConsentDecision = { purpose: string; status: ConsentStatus }

export type RecordConsentInput = {
  profile_id: string
  decisions: ConsentDecision[]
  source: "store" | "admin" | "import"
  policy_version?: string | null
  now: Date | string
}

type Undo = { profile_id: string; record_ids: string[]; previous: Record<string, unknown>; purposes: string[] }

/**
 * Appends one ledger row per decision and sets the profile's current state for those purposes, in one
 * transaction (the profile row is locked so concurrent decisions and event writes serialize). Returns the
 * previous state per purpose. Compensation removes the rows and restores exactly the purposes it touched.
 */
export const recordConsentStep = createStep(
  "personalization-record-consent",
  async (input: RecordConsentInput, { container }) => {
    const at = new Date(input.now).toISOString()
    const purposes = input.decisions.map((d) => d.purpose)
    const state = Object.fromEntries(input.decisions.map((d) => [d.purpose, { status: d.status, recorded_at: at }]))
    const records = input.decisions.map((d) => ({
      id: generateEntityId(undefined, "pcons"),
      purpose: d.purpose,
      status: d.status,
    }))
    const previous = await inTransaction(container, async (run) => {
      const [row] = await run<{ consent: Record<string, unknown>; customer_id: string | null }>(
        `SELECT consent, customer_id FROM personalization_customer_profile WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [input.profile_id]
      )
      // Erased or merged by a concurrent request: ask the caller to retry (a retry finds or creates the profile).
      if (!row) throw conflict("profile: the subject's profile was erased or merged concurrently; retry the request")
      await run(
        `UPDATE personalization_customer_profile SET consent = consent || $2::jsonb, updated_at = now() WHERE id = $1`,
        [input.profile_id, JSON.stringify(state)]
      )
      await run(
        `INSERT INTO personalization_consent_record (id, profile_id, customer_id, purpose, status, source, policy_version, recorded_at)
         SELECT r.id, $1, $2, r.purpose, r.status, $3, $4, $5::timestamptz
           FROM jsonb_to_recordset($6::jsonb) AS r(id text, purpose text, status text)`,
        [input.profile_id, row.customer_id, input.source, input.policy_version ?? null, at, JSON.stringify(records)]
      )
      return Object.fromEntries(purposes.filter((p) => p in (row.consent ?? {})).map((p) => [p, row.consent[p]]))
    })
    return new StepResponse(
      { previous },
      { profile_id: input.profile_id, record_ids: records.map((r) => r.id), previous, purposes } as Undo
    )
  },
  async (undo, { container }) => {
    if (!undo) return
    await inTransaction(container, async (run) => {
      await run(`DELETE FROM personalization_consent_record WHERE id = ANY($1::text[])`, [undo.record_ids])
      await run(
        `UPDATE personalization_customer_profile SET consent = (consent - $2::text[]) || $3::jsonb, updated_at = now() WHERE id = $1`,
        [undo.profile_id, undo.purposes, JSON.stringify(undo.previous)]
      )
    })
  }
)

