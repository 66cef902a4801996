import { model } from "@medusajs/framework/utils"

// What the plugin knows about one subject: a customer (customer_id) or an anonymous visitor (visitor_id).
// Hot traits are typed columns so segment SQL can use them directly; the rest live in `traits` (jsonb).
export const CustomerProfile = model
  .define(
    { name: "customer_profile", tableName: "personalization_customer_profile" },
    {
      id: model.id({ prefix: "pprof" }).primaryKey(),
      customer_id: model.text().nullable(),
      visitor_id: model.text().nullable(),
      orders_count: model.number().default(0),
      total_spent: model.bigNumber().default(0),
      aov: model.bigNumber().default(0),
      currency_code: model.text().nullable(),
      first_order_at: model.dateTime().nullable(),
      last_order_at: model.dateTime().nullable(),
      carts_created: model.number().default(0),
      carts_abandoned: model.number().default(0),
      abandonment_rate: model.float().default(0),
      last_seen_at: model.dateTime().nullable(),
      country: model.text().nullable(),
      has_account: model.boolean().default(false),
      email_domain: model.text().nullable(),
      customer_created_at: model.dateTime().nullable(),
      rfm_r: model.number().nullable(),
      rfm_f: model.number().nullable(),
      rfm_m: model.number().nullable(),
      rfm_group: model.text().nullable(),
      churn_risk: model.float().nullable(),
      traits: model.json().default({}),
      consent: model.json().default({}),
      next_change_at: model.dateTime().nullable(),
      // When memberships were last evaluated (start of that evaluation): queued re-evaluations older than it are skipped.
      evaluated_at: model.dateTime().nullable(),
      merged_into_id: model.text().nullable(),
    }
  )
  .indexes([
    { on: ["customer_id"], unique: true, where: "customer_id IS NOT NULL AND deleted_at IS NULL" },
    { on: ["visitor_id"], unique: true, where: "visitor_id IS NOT NULL AND deleted_at IS NULL" },
    { on: ["next_change_at"], where: "next_change_at IS NOT NULL AND deleted_at IS NULL" },
  ])
