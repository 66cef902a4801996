import { z } from "@medusajs/framework/zod"
import { HANDLE_RE } from "../segments/validators"

const k = z.coerce.number().int("must be a whole number").min(2, "must be between 2 and 8").max(8, "must be between 2 and 8")

export const AdminDiscover = z.object({ k: k.optional() }).strict()
export type AdminDiscoverType = z.infer<typeof AdminDiscover>

export const AdminCreateSegmentFromCluster = z
  .object({
    /** Index of the cluster in GET /admin/personalization/discover (0-based). */
    cluster: z.number().int("must be a whole number").min(0, "must be ≥ 0").max(7, "must be ≤ 7"),
    /** The k the cluster came from (default: the k the discovery picks). */
    k: k.optional(),
    handle: z.string().regex(HANDLE_RE, "must match ^[a-z0-9-]{2,64}$ (lower-case letters, digits, dashes)"),
    name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    description: z.string().max(2000, "must be at most 2000 characters").nullable().optional(),
    status: z.enum(["draft", "active"]).optional(),
  })
  .strict()
export type AdminCreateSegmentFromClusterType = z.infer<typeof AdminCreateSegmentFromCluster>
