import { model } from "@medusajs/framework/utils"

// A holdout on a placement variant or a segment-gated promotion. Arms are assigned by hashing
// (subject + salt), so assignment is stable without storage; exposures are logged for measurement.
export const Experiment = model
  .define(
    { name: "experiment", tableName: "personalization_experiment" },
    {
      id: model.id({ prefix: "pexp" }).primaryKey(),
      name: model.text(),
      target_type: model.enum(["placement_variant", "promotion"]),
      target_id: model.text(),
      holdout_percent: model.number().default(10),
      salt: model.text(),
      status: model.enum(["running", "stopped"]).default("running"),
      conversion_window_days: model.number().default(7),
      min_sample: model.number().default(100),
      started_at: model.dateTime(),
      ended_at: model.dateTime().nullable(),
    }
  )
  .indexes([{ on: ["target_type", "target_id"], where: "deleted_at IS NULL" }])
