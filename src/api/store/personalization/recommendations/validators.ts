import { z } from "@medusajs/framework/zod"

const id = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters")

export const StoreRecommendationsQuery = z
  .object({
    product_id: id.optional(),
    context: z.enum(["cart"]).optional(),
    cart_id: id.optional(),
    region_id: id.optional(),
    limit: z.coerce.number().int("must be an integer").min(1, "must be between 1 and 50").max(50, "must be between 1 and 50").default(10),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.product_id && q.context) {
      ctx.addIssue({ code: "custom", path: ["context"], message: "use either product_id (similar items) or context=cart, not both" })
    }
    if (q.cart_id && q.context !== "cart") {
      ctx.addIssue({ code: "custom", path: ["cart_id"], message: "only with context=cart" })
    }
  })
export type StoreRecommendationsQueryType = z.infer<typeof StoreRecommendationsQuery>

export const AdminRecommendationQualityQuery = z
  .object({
    k: z.coerce.number().int("must be an integer").min(1, "must be between 1 and 50").max(50, "must be between 1 and 50").default(10),
    split_days: z.coerce
      .number()
      .int("must be an integer")
      .min(1, "must be between 1 and 365")
      .max(365, "must be between 1 and 365")
      .default(30),
  })
  .strict()
export type AdminRecommendationQualityQueryType = z.infer<typeof AdminRecommendationQualityQuery>

export const AdminBuildSimilarityBody = z
  .object({
    metric: z.enum(["cosine", "lift"]).optional(),
    neighbors: z.number().int().min(1).max(200).optional(),
    minSupport: z.number().int().min(1).optional(),
    viewWeight: z.number().min(0).max(1).optional(),
    cartWeight: z.number().min(0).max(1).optional(),
  })
  .strict()
export type AdminBuildSimilarityBodyType = z.infer<typeof AdminBuildSimilarityBody>
