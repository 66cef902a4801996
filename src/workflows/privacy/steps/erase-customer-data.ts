import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import { inTransaction } from "../../../lib/db/transaction"
import type { AuditEntry } from "./record-audit"
import { recountMembersWith } from "../../../lib/segments/recount-members"

export type EraseInput = {
  customer_id: string
  purposes: string[]
  source: "store" | "admin"
  now: Date | string
  /** Admin erasures are recorded (the audit row survives the erasure; it holds no personal data). */
  audit?: AuditEntry | null
}

export type EraseResult = {
  profiles: number
  events: number
  memberships: number
  consent_records: number
  audit_rows: number
  /** Open memberships the erasure ended, for personalization.segment.exited events. */
  exited: { segment_id: string; segment_handle: string; customer_id: string; profile_id: string; reason: string }[]
}

/**
 * Erases everything the plugin holds about a customer in ONE transaction: behaviour events, memberships
 * (history included), consent ledger, the profile and every visitor profile merged into it, and non-admin
 * audit rows about the customer (merge records). Then appends one `withdrawn` ledger row per purpose —
 * the only trace left, proving the erasure — and recounts the touched segments. All or nothing; it is the
 * last step of its workflow, so it never needs undoing.
 */
export const eraseCustomerDataStep = createStep(
  "personalization-erase-customer-data",
  async (input: EraseInput, { container }) => {
    const at = new Date(input.now).toISOString()
    const result = await inTransaction(container, async (run) => {
      const profiles = await run<{ id: string; customer_id: string | null }>(
        `SELECT id, customer_id FROM personalization_customer_profile
          WHERE customer_id = $1
             OR merged_into_id IN (SELECT id FROM personalization_customer_profile WHERE customer_id = $1)
          FOR UPDATE`,
        [input.customer_id]
      )
      const ids = profiles.map((p) => p.id)
      const mainId = profiles.find((p) => p.customer_id === input.customer_id)?.id ?? null
      const events = await run(`DELETE FROM personalization_behavior_event WHERE profile_id = ANY($1::text[]) RETURNING id`, [ids])
      const memberships = await run<{ segment_id: string; profile_id: string; open: boolean }>(
        `DELETE FROM personalization_segment_membership
          WHERE profile_id = ANY($1::text[]) OR customer_id = $2
          RETURNING segment_id, profile_id, (exited_at IS NULL AND deleted_at IS NULL) AS open`,
        [ids, input.customer_id]
      )
      const openSegments = memberships.filter((m) => m.open)
      const handles = openSegments.length
        ? await run<{ id: string; handle: string }>(`SELECT id, handle FROM personalization_segment WHERE id = ANY($1::text[])`, [
            openSegments.map((m) => m.segment_id),
          ])
        : []
      const handleOf = new Map(handles.map((h) => [h.id, h.handle]))
      const consent = await run(
        `DELETE FROM personalization_consent_record WHERE customer_id = $1 OR profile_id = ANY($2::text[]) RETURNING id`,
        [input.customer_id, ids]
      )
      const audit = await run(
        `DELETE FROM personalization_audit_log
          WHERE target_type = 'customer' AND target_id = $1 AND actor_type NOT IN ('user', 'api-key') RETURNING id`,
        [input.customer_id]
      )
      // Experiment exposures name the subject too (found while writing docs/security.md, #10): they go with it.
      await run(`DELETE FROM personalization_exposure WHERE customer_id = $1 OR profile_id = ANY($2::text[])`, [input.customer_id, ids])
      await run(`DELETE FROM personalization_customer_profile WHERE id = ANY($1::text[])`, [ids])
      const withdrawals = input.purposes.map((purpose) => ({ id: generateEntityId(undefined, "pcons"), purpose }))
      await run(
        `INSERT INTO personalization_consent_record (id, profile_id, customer_id, purpose, status, source, policy_version, recorded_at)
         SELECT r.id, $1, $2, r.purpose, 'withdrawn', $3, 'erasure', $4::timestamptz
           FROM jsonb_to_recordset($5::jsonb) AS r(id text, purpose text)`,
        [mainId ?? `erased_${input.customer_id}`, input.customer_id, input.source, at, JSON.stringify(withdrawals)]
      )
      const segmentIds = [...new Set(memberships.map((m) => m.segment_id))]
      await recountMembersWith(run, segmentIds)
      const out: EraseResult = {
        profiles: ids.length,
        events: events.length,
        memberships: memberships.length,
        consent_records: consent.length,
        audit_rows: audit.length,
        exited: openSegments.map((m) => ({
          segment_id: m.segment_id,
          segment_handle: handleOf.get(m.segment_id) ?? m.segment_id,
          customer_id: input.customer_id,
          profile_id: m.profile_id,
          reason: "personal data erased",
        })),
      }
      if (input.audit) {
        await run(
          `INSERT INTO personalization_audit_log (id, actor_type, actor_id, action, target_type, target_id, at, details)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
          [
            generateEntityId(undefined, "paud"),
            input.audit.actor_type,
            input.audit.actor_id,
            input.audit.action,
            input.audit.target_type,
            input.audit.target_id,
            at,
            JSON.stringify({ ...(input.audit.details ?? {}), erased: { ...out, exited: out.exited.length } }),
          ]
        )
      }
      return out
    })
    return new StepResponse(result)
  }
)
