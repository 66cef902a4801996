import { z } from "@medusajs/framework/zod"

const page = (max: number, fallback: number) => ({
  limit: z.coerce.number().int().min(1, "must be at least 1").max(max, `must be at most ${max}`).default(fallback),
  offset: z.coerce.number().int().min(0, "must be at least 0").default(0),
})

export const AdminListSegmentMembers = z.object(page(500, 50)).strict()
export type AdminListSegmentMembersType = z.infer<typeof AdminListSegmentMembers>

export const AdminListCustomerSegments = z
  .object({
    ...page(200, 50),
    /** Which stays the paginated `history` holds: all (default), only open or only closed ones. */
    history: z.enum(["all", "open", "closed"]).default("all"),
  })
  .strict()
export type AdminListCustomerSegmentsType = z.infer<typeof AdminListCustomerSegments>

/** The explain route evaluates at the current time only; no parameters. */
export const AdminExplainMember = z.object({}).strict()

/** POST …/refresh takes no body fields (an empty body or {}). */
export const AdminRefreshSegment = z.object({}).strict()
