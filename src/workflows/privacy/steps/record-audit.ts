import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import { sql } from "../../../lib/db/raw-sql"

export type AuditEntry = {
  actor_type: string
  actor_id: string | null
  action: string
  target_type: string
  target_id: string
  details?: Record<string, unknown>
  at?: Date | string
}

/** Appends audit rows; compensation removes them (an undone change leaves no trace claiming it happened). */
export const recordAuditStep = createStep(
  "personalization-record-audit",
  async (input: { entries: AuditEntry[] }, { container }) => {
    const rows = (input.entries ?? []).map((e) => ({
      id: generateEntityId(undefined, "paud"),
      actor_type: e.actor_type,
      actor_id: e.actor_id ?? null,
      action: e.action,
      target_type: e.target_type,
      target_id: e.target_id,
      at: new Date(e.at ?? Date.now()).toISOString(),
      details: e.details ?? {},
    }))
    if (rows.length) {
      await sql(
        container,
        `INSERT INTO personalization_audit_log (id, actor_type, actor_id, action, target_type, target_id, at, details)
         SELECT id, actor_type, actor_id, action, target_type, target_id, at, details
           FROM jsonb_to_recordset($1::jsonb)
             AS r(id text, actor_type text, actor_id text, action text, target_type text, target_id text, at timestamptz, details jsonb)`,
        [JSON.stringify(rows)]
      )
    }
    return new StepResponse(
      rows.map((r) => r.id),
      rows.map((r) => r.id)
    )
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await sql(container, `DELETE FROM personalization_audit_log WHERE id = ANY($1::text[])`, [ids])
  }
)
