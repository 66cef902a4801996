import { model } from "@medusajs/framework/utils"

// One segment's size and KPIs for one UTC day (written by the daily snapshot job). Money in `currency_code`.
export const SegmentSnapshot = model
  .define(
    { name: "segment_snapshot", tableName: "personalization_segment_snapshot" },
    {
      id: model.id({ prefix: "psnp" }).primaryKey(),
      segment_id: model.text(),
      day: model.dateTime(),
      members: model.number().default(0),
      entered: model.number().default(0),
      exited: model.number().default(0),
      orders: model.number().default(0),
      ordering_members: model.number().default(0),
      repeat_members: model.number().default(0),
      carts: model.number().default(0),
      converted_carts: model.number().default(0),
      conversion_rate: model.float().nullable(),
      repeat_rate: model.float().nullable(),
      revenue: model.bigNumber().default(0),
      aov: model.bigNumber().default(0),
      revenue_per_member: model.bigNumber().default(0),
      currency_code: model.text().nullable(),
    }
  )
  .indexes([{ on: ["segment_id", "day"], unique: true, where: "deleted_at IS NULL" }])
