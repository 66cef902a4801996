import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../modules/personalization/service"
import { KNOWN_EVENT_TYPES, OPS_BY_TYPE, PROPERTY_OPS, describeCatalog } from "../../../../core/rules"

/**
 * What the admin rule editor may offer: the trait catalogue (built-in traits plus the merchant's declared ones,
 * with types and enum values), the operators per trait type, the known event types and property operators, and
 * the consent purposes a segment may require.
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const service: PersonalizationModuleService = req.scope.resolve(PERSONALIZATION_MODULE)
  res.json({
    traits: describeCatalog(service.getCatalog()),
    operators: OPS_BY_TYPE,
    event_types: [...KNOWN_EVENT_TYPES],
    property_operators: [...PROPERTY_OPS],
    consent: { required: service.getOptions().consent.required, purposes: service.getOptions().consent.purposes },
  })
}
