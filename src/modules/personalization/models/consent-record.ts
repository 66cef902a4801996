import { model } from "@medusajs/framework/utils"

// Append-only consent ledger; the profile's `consent` column holds the current state per purpose.
export const ConsentRecord = model
  .define(
    { name: "consent_record", tableName: "personalization_consent_record" },
    {
      id: model.id({ prefix: "pcons" }).primaryKey(),
      profile_id: model.text(),
      customer_id: model.text().nullable(),
      purpose: model.text(),
      status: model.enum(["granted", "denied", "withdrawn"]),
      source: model.enum(["store", "admin", "import"]),
      policy_version: model.text().nullable(),
      recorded_at: model.dateTime(),
    }
  )
  .indexes([{ on: ["profile_id", "purpose", "recorded_at"] }, { on: ["customer_id"] }])
