import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { notFound } from "../../../lib/errors"

export const retrieveSegmentStep = createStep(
  "personalization-retrieve-segment",
  async (input: { id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [segment] = await service.listSegments({ id: input.id }, { take: 1 })
    if (!segment) throw notFound("Segment", input.id)
    return new StepResponse(segment)
  }
)
