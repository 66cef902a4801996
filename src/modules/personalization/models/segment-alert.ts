import { model } from "@medusajs/framework/utils"

// A control-limit breach of a segment metric (size or conversion) on one day.
export const SegmentAlert = model
  .define(
    { name: "segment_alert", tableName: "personalization_segment_alert" },
    {
      id: model.id({ prefix: "palr" }).primaryKey(),
      segment_id: model.text(),
      metric: model.enum(["size", "conversion"]),
      day: model.dateTime(),
      value: model.float(),
      mean: model.float(),
      lower: model.float(),
      upper: model.float(),
      direction: model.enum(["above", "below"]),
      acknowledged_at: model.dateTime().nullable(),
    }
  )
  .indexes([
    { on: ["segment_id", "metric", "day"], unique: true, where: "deleted_at IS NULL" },
    { on: ["acknowledged_at"], where: "deleted_at IS NULL" },
  ])
