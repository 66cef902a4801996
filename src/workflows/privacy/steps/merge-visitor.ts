import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import { inTransaction, type Run } from "../../../lib/db/transaction"
import { conflict } from "../../../lib/errors"
import { VISITOR_HEADER } from "../../../lib/privacy/subject"
import type { AuditActor } from "../../../lib/privacy/audit"
import { recountMembersWith } from "../../../lib/segments/recount-members"

type ConsentMap = Record<string, { status: string; recorded_at: string }>

export type MergeVisitorInput = {
  visitor_id: string
  customer_id: string
  customer_profile_id: string
  require_consent: boolean
  actor: AuditActor
  source: string
  now: Date | string
}

export type MergeResult = {
  merged: boolean
  /** unknown_visitor | already_merged (into this customer) */
  reason?: string
  visitor_profile_id?: string
  events_moved: number
  events_dropped: number
  /** Internal: rows marked deleted (duplicates, or no consent), purged for good by the workflow's last step. */
  dropped_event_ids: string[]
}

type Undo = {
  visitor: { id: string; consent: ConsentMap; traits: Record<string, unknown>; next_change_at: Date | null }
  customer: { id: string; consent: ConsentMap; traits: Record<string, unknown>; last_seen_at: Date | null }
  moved: string[]
  dropped: string[]
  closed: string[]
  reassigned: string[]
  ledger: string[]
  segment_ids: string[]
  audit_id: string
}

/** Storefront context the visitor's session knows better than the customer's older profile. */
const SESSION_TRAITS = ["device_type", "geo_country"]

/** The later of two decisions for each purpose wins. */
export function mergeConsent(customer: ConsentMap, visitor: ConsentMap): ConsentMap {
  const out: ConsentMap = { ...customer }
  for (const [purpose, v] of Object.entries(visitor ?? {})) {
    const c = out[purpose]
    if (!c || new Date(v.recorded_at).getTime() > new Date(c.recorded_at).getTime()) out[purpose] = v
  }
  return out
}

/**
 * Merges an anonymous visitor profile into a customer's, in one transaction with both rows locked:
 * events re-pointed (dropped instead when the merged consent does not allow behaviour), consent = the most
 * recent decision per purpose, the visitor's ledger and membership history attributed to the customer (its
 * open memberships closed: the customer's are re-evaluated next), session traits carried, and the visitor
 * row kept as a tombstone (`merged_into_id`) so the visitor id can never merge into another customer.
 * An audit row records the merge. Compensation restores every row it changed.
 */
export const mergeVisitorStep = createStep(
  "personalization-merge-visitor",
  async (input: MergeVisitorInput, { container }) => {
    const at = new Date(input.now).toISOString()
    const outcome = await inTransaction(container, async (run) => {
      const [v] = await run<{ id: string; consent: ConsentMap; traits: Record<string, unknown>; next_change_at: Date | null; merged_into_id: string | null; last_seen_at: Date | null }>(
        `SELECT id, consent, traits, next_change_at, merged_into_id, last_seen_at FROM personalization_customer_profile
          WHERE visitor_id = $1 AND customer_id IS NULL AND deleted_at IS NULL FOR UPDATE`,
        [input.visitor_id]
      )
      if (!v) return { result: { merged: false, reason: "unknown_visitor", events_moved: 0, events_dropped: 0, dropped_event_ids: [] } as MergeResult, undo: null }
      if (v.merged_into_id) {
        if (v.merged_into_id === input.customer_profile_id) {
          return { result: { merged: false, reason: "already_merged", visitor_profile_id: v.id, events_moved: 0, events_dropped: 0, dropped_event_ids: [] } as MergeResult, undo: null }
        }
        throw conflict(`${VISITOR_HEADER}: this visitor id is already linked to another customer account`)
      }
      const [c] = await run<{ id: string; consent: ConsentMap; traits: Record<string, unknown>; last_seen_at: Date | null }>(
        `SELECT id, consent, traits, last_seen_at FROM personalization_customer_profile WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
        [input.customer_profile_id]
      )
      if (!c) throw new Error(`personalization: customer profile ${input.customer_profile_id} not found`)

      const consent = mergeConsent(c.consent ?? {}, v.consent ?? {})
      const behaviourAllowed = !input.require_consent || consent.personalization?.status === "granted"
      // Same client id on both sides: the customer's copy stays. Without consent, nothing is carried.
      const dropped = await run<{ id: string }>(
        `UPDATE personalization_behavior_event e SET deleted_at = $3
          WHERE e.profile_id = $1 AND e.deleted_at IS NULL
            AND (NOT $4::boolean OR EXISTS (SELECT 1 FROM personalization_behavior_event o
                        WHERE o.profile_id = $2 AND o.client_id = e.client_id AND o.deleted_at IS NULL))
          RETURNING id`,
        [v.id, c.id, at, behaviourAllowed]
      )
      const moved = await run<{ id: string }>(
        `UPDATE personalization_behavior_event SET profile_id = $2 WHERE profile_id = $1 AND deleted_at IS NULL RETURNING id`,
        [v.id, c.id]
      )
      const open = await run<{ id: string }>(
        `SELECT id FROM personalization_segment_membership WHERE profile_id = $1 AND exited_at IS NULL AND deleted_at IS NULL`,
        [v.id]
      )
      const reassigned = await run<{ id: string; segment_id: string }>(
        `UPDATE personalization_segment_membership
            SET customer_id = $2,
                exit_reason = CASE WHEN exited_at IS NULL THEN 'merged into customer profile' ELSE exit_reason END,
                exited_at = COALESCE(exited_at, $3::timestamptz)
          WHERE profile_id = $1 AND deleted_at IS NULL AND customer_id IS NULL
          RETURNING id, segment_id`,
        [v.id, input.customer_id, at]
      )
      const ledger = await run<{ id: string }>(
        `UPDATE personalization_consent_record SET customer_id = $2 WHERE profile_id = $1 AND customer_id IS NULL RETURNING id`,
        [v.id, input.customer_id]
      )
      const sessionTraits = Object.fromEntries(SESSION_TRAITS.filter((k) => v.traits?.[k] !== undefined).map((k) => [k, v.traits[k]]))
      await run(
        `UPDATE personalization_customer_profile
            SET consent = $2::jsonb, traits = traits || $3::jsonb,
                last_seen_at = GREATEST(last_seen_at, $4::timestamptz), updated_at = now()
          WHERE id = $1`,
        [c.id, JSON.stringify(consent), JSON.stringify(sessionTraits), v.last_seen_at]
      )
      await run(
        `UPDATE personalization_customer_profile
            SET merged_into_id = $2, consent = '{}'::jsonb, traits = '{}'::jsonb, next_change_at = NULL, updated_at = now()
          WHERE id = $1`,
        [v.id, c.id]
      )
      const segmentIds = [...new Set(reassigned.map((m) => m.segment_id))]
      await recountMembersWith(run, segmentIds)
      const auditId = generateEntityId(undefined, "paud")
      const result: MergeResult = {
        merged: true,
        visitor_profile_id: v.id,
        events_moved: moved.length,
        events_dropped: dropped.length,
        dropped_event_ids: dropped.map((r) => r.id),
      }
      await run(
        `INSERT INTO personalization_audit_log (id, actor_type, actor_id, action, target_type, target_id, at, details)
         VALUES ($1, $2, $3, 'profile.merged', 'customer', $4, $5, $6::jsonb)`,
        [
          auditId,
          input.actor.actor_type,
          input.actor.actor_id,
          input.customer_id,
          at,
          JSON.stringify({ visitor_profile_id: v.id, customer_profile_id: c.id, source: input.source, events_moved: moved.length, events_dropped: dropped.length }),
        ]
      )
      const undo: Undo = {
        visitor: { id: v.id, consent: v.consent, traits: v.traits, next_change_at: v.next_change_at },
        customer: { id: c.id, consent: c.consent, traits: c.traits, last_seen_at: c.last_seen_at },
        moved: moved.map((r) => r.id),
        dropped: dropped.map((r) => r.id),
        closed: open.map((r) => r.id),
        reassigned: reassigned.map((r) => r.id),
        ledger: ledger.map((r) => r.id),
        segment_ids: segmentIds,
        audit_id: auditId,
      }
      return { result, undo }
    })
    return new StepResponse(outcome.result, outcome.undo)
  },
  async (undo, { container }) => {
    if (!undo) return
    await inTransaction(container, async (run) => {
      await run(`UPDATE personalization_behavior_event SET profile_id = $2 WHERE id = ANY($1::text[])`, [undo.moved, undo.visitor.id])
      await run(`UPDATE personalization_behavior_event SET deleted_at = NULL WHERE id = ANY($1::text[])`, [undo.dropped])
      await run(`UPDATE personalization_segment_membership SET customer_id = NULL WHERE id = ANY($1::text[])`, [undo.reassigned])
      await run(`UPDATE personalization_segment_membership SET exited_at = NULL, exit_reason = NULL WHERE id = ANY($1::text[])`, [undo.closed])
      await run(`UPDATE personalization_consent_record SET customer_id = NULL WHERE id = ANY($1::text[])`, [undo.ledger])
      await run(
        `UPDATE personalization_customer_profile SET consent = $2::jsonb, traits = $3::jsonb, last_seen_at = $4 WHERE id = $1`,
        [undo.customer.id, JSON.stringify(undo.customer.consent), JSON.stringify(undo.customer.traits), undo.customer.last_seen_at]
      )
      await run(
        `UPDATE personalization_customer_profile SET merged_into_id = NULL, consent = $2::jsonb, traits = $3::jsonb, next_change_at = $4 WHERE id = $1`,
        [undo.visitor.id, JSON.stringify(undo.visitor.consent), JSON.stringify(undo.visitor.traits), undo.visitor.next_change_at]
      )
      await run(`DELETE FROM personalization_audit_log WHERE id = $1`, [undo.audit_id])
      await recountMembersWith(run, undo.segment_ids)
    })
  }
)
