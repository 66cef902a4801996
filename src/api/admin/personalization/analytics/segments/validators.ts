import { z } from "@medusajs/framework/zod"
import { boundedDay } from "../../../../utils/dates"

const day = boundedDay()

const ID_RE = /^[A-Za-z0-9_-]{1,64}$/

/** `segment_ids` as a comma list (`a,b`) or repeated (`segment_ids[]=a&segment_ids[]=b`); at most 20. */
const segmentIds = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => [...new Set((Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))])
  .pipe(z.array(z.string().regex(ID_RE, "must be segment ids")).min(1, "must name at least one segment").max(20, "at most 20 segments"))

export const AdminSegmentAnalytics = z
  .object({
    from: day.optional(),
    to: day.optional(),
    segment_ids: segmentIds.optional(),
  })
  .strict()
export type AdminSegmentAnalyticsType = z.infer<typeof AdminSegmentAnalytics>
