import { z } from "@medusajs/framework/zod"
import { MAX_SECTION_PRODUCTS, PLACEMENT_HANDLE_MESSAGE, PLACEMENT_HANDLE_RE } from "../../../../lib/storefront/placement-content"

export const MAX_PLACEMENTS_PER_CALL = 20

// `placement=home.hero,home.grid` or `placement=home.hero&placement=home.grid` (or both).
const placements = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v])
      .flatMap((s) => s.split(","))
      .map((s) => s.trim())
      .filter(Boolean)
  )
  .pipe(
    z
      .array(z.string().max(64, PLACEMENT_HANDLE_MESSAGE).regex(PLACEMENT_HANDLE_RE, PLACEMENT_HANDLE_MESSAGE))
      .min(1, "name at least one placement handle")
      .max(MAX_PLACEMENTS_PER_CALL, `at most ${MAX_PLACEMENTS_PER_CALL} placements per call`)
  )

export const StoreGetSections = z
  .object({
    placement: placements,
    region_id: z.string().min(1, "must not be empty").max(100, "must be at most 100 characters").optional(),
    limit: z.coerce
      .number({ message: "must be a number" })
      .int("must be an integer")
      .min(1, "must be between 1 and 50")
      .max(MAX_SECTION_PRODUCTS, "must be between 1 and 50")
      .default(12),
  })
  .strict()
export type StoreGetSectionsType = z.infer<typeof StoreGetSections>
