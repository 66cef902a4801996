import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { resolveSections } from "../../../../lib/storefront/sections"
import type { StoreGetSectionsType } from "./validators"

/**
 * GET /store/personalization/sections?placement=home.hero,home.grid&region_id=…&limit=…
 * The content each placement shows this subject, with its products priced for the region and the customer.
 * Unknown handles are listed in `missing` (404 only when no handle is known).
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const result = await resolveSections(req, req.validatedQuery as unknown as StoreGetSectionsType)
  res.json(result)
}
