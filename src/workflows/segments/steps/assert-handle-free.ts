import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { conflict } from "../../../lib/errors"

export const assertHandleFreeStep = createStep(
  "personalization-assert-handle-free",
  async (input: { handle: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [existing] = await service.listSegments({ handle: input.handle }, { select: ["id"], take: 1 })
    if (existing) {
      throw conflict(`handle: a segment with handle '${input.handle}' already exists (${existing.id})`)
    }
    return new StepResponse(undefined)
  }
)
