import { z } from "@medusajs/framework/zod"

const bool = z.enum(["true", "false"], { message: "must be true or false" }).transform((v) => v === "true")

const listFields = {
  limit: z.coerce.number().int().min(1, "must be at least 1").max(200, "must be at most 200").default(50),
  offset: z.coerce.number().int().min(0, "must be at least 0").default(0),
  /** false = open alerts only, true = acknowledged only; absent = both */
  acknowledged: bool.optional(),
  metric: z.enum(["size", "conversion"]).optional(),
}

export const AdminListSegmentAlerts = z.object(listFields).strict()
export const AdminListAlerts = z
  .object({ ...listFields, segment_id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a segment id").optional() })
  .strict()
export type AdminListAlertsType = z.infer<typeof AdminListAlerts>

/** POST …/acknowledge takes no fields. */
export const AdminAcknowledgeAlert = z.object({}).strict()
