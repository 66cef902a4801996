import { model } from "@medusajs/framework/utils"
import { Segment } from "./segment"

// One row per stay in a segment: an open row (exited_at null) means "member now";
// closed rows are the history shown in explanations and analytics.
export const SegmentMembership = model
  .define(
    { name: "segment_membership", tableName: "personalization_segment_membership" },
    {
      id: model.id({ prefix: "psmem" }).primaryKey(),
      segment: model.belongsTo(() => Segment, { mappedBy: "memberships" }),
      profile_id: model.text(),
      customer_id: model.text().nullable(),
      entered_at: model.dateTime(),
      exited_at: model.dateTime().nullable(),
      reason: model.text().nullable(),
      exit_reason: model.text().nullable(),
    }
  )
  .indexes([
    // At most one open stay per (segment, profile): concurrent evaluators cannot double-enter.
    { on: ["segment_id", "profile_id"], unique: true, where: "exited_at IS NULL AND deleted_at IS NULL" },
    { on: ["profile_id"] },
    { on: ["customer_id"] },
  ])
