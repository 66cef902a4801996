import { z } from "@medusajs/framework/zod"

const id = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters")

export const AdminGateSegment = z
  .object({ promotion_id: id.optional(), price_list_id: id.optional() })
  .strict()
  .refine((b) => (b.promotion_id === undefined) !== (b.price_list_id === undefined), {
    message: "exactly one of promotion_id or price_list_id is required",
    path: ["promotion_id"],
  })
export type AdminGateSegmentType = z.infer<typeof AdminGateSegment>
