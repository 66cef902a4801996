import { z } from "@medusajs/framework/zod"
import {
  placementHandle,
  PlacementVariantInput,
  PlacementVariantUpdate,
} from "../../../../lib/storefront/placement-content"

const description = z.string().max(2000, "must be at most 2000 characters").nullable()

export const AdminCreatePlacement = z
  .object({
    handle: placementHandle,
    description: description.optional(),
    variants: z.array(PlacementVariantInput).max(50, "must hold at most 50 variants").optional(),
  })
  .strict()
export type AdminCreatePlacementType = z.infer<typeof AdminCreatePlacement>

export const AdminUpdatePlacement = z
  .object({ handle: placementHandle.optional(), description: description.optional() })
  .strict()
export type AdminUpdatePlacementType = z.infer<typeof AdminUpdatePlacement>

export const AdminListPlacements = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    q: z.string().max(200).optional(),
    order: z.enum(["handle", "-handle", "created_at", "-created_at", "updated_at", "-updated_at"]).default("handle"),
  })
  .strict()
export type AdminListPlacementsType = z.infer<typeof AdminListPlacements>

export const AdminCreatePlacementVariant = PlacementVariantInput
export const AdminUpdatePlacementVariant = PlacementVariantUpdate
