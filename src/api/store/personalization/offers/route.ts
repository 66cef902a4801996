import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { resolveOffers } from "../../../../lib/storefront/offers"

/** GET /store/personalization/offers — promotions and price lists the customer's public segments unlock. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const result = await resolveOffers(req)
  res.json(result)
}
