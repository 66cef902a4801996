import { z } from "@medusajs/framework/zod"

/** GET /admin/personalization/catalog takes no query parameters. */
export const AdminGetCatalog = z.object({}).strict()
