import { model } from "@medusajs/framework/utils"
import { SegmentMembership } from "./segment-membership"

// A named rule over customer profiles. Its members mirror into a managed customer group
// so Medusa's promotion and pricing engines can gate on it natively.
export const Segment = model
  .define(
    { name: "segment", tableName: "personalization_segment" },
    {
      id: model.id({ prefix: "pseg" }).primaryKey(),
      handle: model.text().searchable(),
      name: model.text().searchable(),
      description: model.text().nullable(),
      rule: model.json(),
      rule_text: model.text(),
      status: model.enum(["draft", "active", "archived"]).default("draft"),
      purpose: model.text().default("personalization"),
      is_public: model.boolean().default(false),
      customer_group_id: model.text().nullable(),
      version: model.number().default(1),
      member_count: model.number().default(0),
      last_refreshed_at: model.dateTime().nullable(),
      refresh_state: model.json().nullable(),
      memberships: model.hasMany(() => SegmentMembership, { mappedBy: "segment" }),
    }
  )
  .indexes([
    { on: ["handle"], unique: true, where: "deleted_at IS NULL" },
    { on: ["status"] },
  ])
