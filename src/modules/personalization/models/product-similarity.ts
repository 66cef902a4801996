import { model } from "@medusajs/framework/utils"

// Top-K neighbours of a product, rebuilt by the similarity job from co-purchases (and consented co-views).
export const ProductSimilarity = model
  .define(
    { name: "product_similarity", tableName: "personalization_product_similarity" },
    {
      id: model.id({ prefix: "psim" }).primaryKey(),
      product_id: model.text(),
      neighbor_id: model.text(),
      score: model.float(),
      support: model.number().default(0),
      reason: model.enum(["bought_together", "viewed_together"]),
      rank: model.number().default(0),
      computed_at: model.dateTime(),
    }
  )
  .indexes([
    { on: ["product_id", "neighbor_id"], unique: true, where: "deleted_at IS NULL" },
    { on: ["product_id", "rank"], where: "deleted_at IS NULL" },
  ])
