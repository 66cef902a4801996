import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { notFound } from "../../../lib/errors"

/** The placement (404 when unknown or deleted). */
export const retrievePlacementStep = createStep(
  "personalization-retrieve-placement",
  async (input: { id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [placement] = await service.listPlacements({ id: input.id }, { take: 1 })
    if (!placement) throw notFound("Placement", input.id)
    return new StepResponse(placement)
  }
)

/** A variant of the given placement (404 when unknown, deleted, or of another placement). */
export const retrievePlacementVariantStep = createStep(
  "personalization-retrieve-placement-variant",
  async (input: { placement_id: string; id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [variant] = await service.listPlacementVariants({ id: input.id, placement_id: input.placement_id }, { take: 1 })
    if (!variant) throw notFound("Placement variant", input.id)
    return new StepResponse(variant)
  }
)
