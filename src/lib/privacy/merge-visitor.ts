import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { mergeVisitorWorkflow } from "../../workflows/privacy/merge-visitor"
import type { AuditActor } from "./audit"

/** Merges a visitor into a customer with the plugin's consent setting (identify route, cart transfer paths). */
export async function mergeVisitorInto(
  container: MedusaContainer,
  input: { visitor_id: string; customer_id: string; actor: AuditActor; source: string }
) {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const { result } = await mergeVisitorWorkflow(container).run({
    input: { ...input, require_consent: service.getOptions().consent.required },
  })
  return result
}
