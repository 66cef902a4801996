import { model } from "@medusajs/framework/utils"

// One training run of an in-process model (e.g. churn risk): when, on what, and how well it did on a holdout.
export const ModelRun = model
  .define(
    { name: "model_run", tableName: "personalization_model_run" },
    {
      id: model.id({ prefix: "pmdl" }).primaryKey(),
      kind: model.text(),
      status: model.enum(["trained", "insufficient_data", "failed"]),
      trained_at: model.dateTime(),
      train_size: model.number().default(0),
      holdout_size: model.number().default(0),
      auc: model.float().nullable(),
      params: model.json().default({}),
      metrics: model.json().default({}),
      note: model.text().nullable(),
    }
  )
  .indexes([{ on: ["kind", "trained_at"], where: "deleted_at IS NULL" }])
