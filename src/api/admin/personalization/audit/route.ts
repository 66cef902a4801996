import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { sql } from "../../../../lib/db/raw-sql"
import type { AdminListAuditType } from "./validators"

/** The audit log, newest first, filterable by action, target and actor. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const q = req.validatedQuery as unknown as AdminListAuditType
  const where: string[] = ["deleted_at IS NULL"]
  const values: unknown[] = []
  const add = (clause: string, value: unknown) => {
    values.push(value)
    where.push(clause.replace("?", `$${values.length}`))
  }
  if (q.action) add("action = ANY(?::text[])", Array.isArray(q.action) ? q.action : [q.action])
  if (q.target_type) add("target_type = ?", q.target_type)
  if (q.target_id) add("target_id = ?", q.target_id)
  if (q.actor_type) add("actor_type = ?", q.actor_type)
  if (q.actor_id) add("actor_id = ?", q.actor_id)
  if (q.from) add("at >= ?::timestamptz", q.from)
  if (q.to) add("at < ?::timestamptz", q.to)
  const filter = where.join(" AND ")
  const [{ count }] = await sql<{ count: string }>(req.scope, `SELECT count(*) FROM personalization_audit_log WHERE ${filter}`, values)
  const entries = await sql(
    req.scope,
    `SELECT id, actor_type, actor_id, action, target_type, target_id, at, details
       FROM personalization_audit_log WHERE ${filter}
      ORDER BY at DESC, id DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
    [...values, q.limit, q.offset]
  )
  res.json({ entries, count: Number(count), limit: q.limit, offset: q.offset })
}
