import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { segmentCatalogChanged } from "../../../lib/cache"

const RESTORABLE = [
  "handle", "name", "description", "rule", "rule_text", "status", "purpose", "is_public",
  "customer_group_id", "version", "member_count",
] as const

/** Updates one segment; compensation writes back the fields as they were. */
export const updateSegmentStep = createStep(
  "personalization-update-segment",
  async (data: { id: string } & Record<string, unknown>, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const before = await service.retrieveSegment(data.id)
    const updated = await service.updateSegments(data)
    const previous: Record<string, unknown> = { id: before.id }
    for (const k of RESTORABLE) if (k in data) previous[k] = (before as Record<string, unknown>)[k]
    await segmentCatalogChanged(container)
    return new StepResponse(updated, previous)
  },
  async (previous, { container }) => {
    if (!previous) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.updateSegments(previous as { id: string })
    await segmentCatalogChanged(container)
  }
)
