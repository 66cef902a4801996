import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { segmentCatalogChanged } from "../../../lib/cache"

export type CreateSegmentData = {
  handle: string
  name: string
  description?: string | null
  rule: Record<string, unknown>
  rule_text: string
  status: "draft" | "active" | "archived"
  purpose: string
  is_public: boolean
}

export const createSegmentStep = createStep(
  "personalization-create-segment",
  async (data: CreateSegmentData, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const segment = await service.createSegments(data)
    await segmentCatalogChanged(container)
    return new StepResponse(segment, segment.id)
  },
  async (id, { container }) => {
    if (!id) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.deleteSegments(id)
    await segmentCatalogChanged(container)
  }
)
