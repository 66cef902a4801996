import { z } from "@medusajs/framework/zod"

/** GET …/placements/:id/preview?customer_id=cus_… — which variant that customer would be served. */
export const AdminPreviewPlacement = z
  .object({
    customer_id: z
      .string({ message: "required (the customer to preview for)" })
      .regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a customer id"),
  })
  .strict()
export type AdminPreviewPlacementType = z.infer<typeof AdminPreviewPlacement>
