import { z } from "@medusajs/framework/zod"
import { boundedDateTime } from "../../../utils/dates"

const id = z.string().min(1).max(200)

export const AdminListAudit = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
    action: z.union([id, z.array(id).max(50)]).optional(),
    target_type: id.optional(),
    target_id: id.optional(),
    actor_type: id.optional(),
    actor_id: id.optional(),
    from: boundedDateTime().optional(),
    to: boundedDateTime().optional(),
  })
  .strict()
export type AdminListAuditType = z.infer<typeof AdminListAudit>
