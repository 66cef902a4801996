import { model } from "@medusajs/framework/utils"

// Who did what to which record, and when: admin reads/exports/erasures of a profile, every segment change,
// identity merges. Append-only; `details` carries small, non-sensitive context (never the exported data).
export const AuditLog = model
  .define(
    { name: "audit_log", tableName: "personalization_audit_log" },
    {
      id: model.id({ prefix: "paud" }).primaryKey(),
      // "user" (admin), "api_key" (secret key), "customer" (store), "system" (subscribers, jobs).
      actor_type: model.text(),
      actor_id: model.text().nullable(),
      // e.g. profile.exported, profile.erased, consent.read, segment.created, profile.merged
      action: model.text(),
      target_type: model.text(),
      target_id: model.text(),
      at: model.dateTime(),
      details: model.json().default({}),
    }
  )
  .indexes([
    { on: ["at"] },
    { on: ["action", "at"] },
    { on: ["target_type", "target_id", "at"] },
    { on: ["actor_id", "at"] },
  ])
