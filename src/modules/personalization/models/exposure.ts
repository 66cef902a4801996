import { model } from "@medusajs/framework/utils"

// First exposure of one subject to one experiment, with the arm it was assigned.
export const Exposure = model
  .define(
    { name: "exposure", tableName: "personalization_exposure" },
    {
      id: model.id({ prefix: "pexo" }).primaryKey(),
      experiment_id: model.text(),
      subject_key: model.text(),
      customer_id: model.text().nullable(),
      profile_id: model.text().nullable(),
      arm: model.enum(["treatment", "control"]),
      exposed_at: model.dateTime(),
      last_exposed_at: model.dateTime(),
      exposures: model.number().default(1),
    }
  )
  .indexes([
    { on: ["experiment_id", "subject_key"], unique: true, where: "deleted_at IS NULL" },
    { on: ["experiment_id", "arm"], where: "deleted_at IS NULL" },
    { on: ["customer_id"], where: "customer_id IS NOT NULL AND deleted_at IS NULL" },
  ])
