import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { segmentCatalogChanged } from "../../../lib/cache"

const RESTORABLE = [
  "handle", "name", "description", "rule", "rule_text", "status", "purpose", "is_public",
  "customer_group_id", "version", "member_count",
] as const

/**
 * Writes `data`: the rule (with its text) whole through replaceSegmentRules — the generated update would merge it
 * into the stored rule — and the other fields through updateSegments.
 */
async function write(service: PersonalizationModuleService, data: { id: string } & Record<string, unknown>) {
  const { rule, rule_text, ...rest } = data
  if (rule !== undefined) {
    await service.replaceSegmentRules([{ id: data.id, rule: rule as Record<string, unknown>, rule_text: rule_text as string }])
  } else if (rule_text !== undefined) {
    rest.rule_text = rule_text
  }
  if (Object.keys(rest).length > 1) await service.updateSegments(rest as { id: string })
}

/** Updates one segment; compensation writes back the fields as they were. */
export const updateSegmentStep = createStep(
  "personalization-update-segment",
  async (data: { id: string } & Record<string, unknown>, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const before = await service.retrieveSegment(data.id)
    const previous: Record<string, unknown> = { id: before.id }
    for (const k of RESTORABLE) if (k in data) previous[k] = (before as Record<string, unknown>)[k]
    if ("rule" in data) previous.rule_text = before.rule_text
    try {
      await write(service, data)
    } catch (e) {
      // this step's own half-done write (its compensation runs only once it has succeeded)
      await write(service, previous as { id: string }).catch(() => undefined)
      throw e
    }
    await segmentCatalogChanged(container)
    return new StepResponse(await service.retrieveSegment(data.id), previous)
  },
  async (previous, { container }) => {
    if (!previous) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await write(service, previous as { id: string })
    await segmentCatalogChanged(container)
  }
)
