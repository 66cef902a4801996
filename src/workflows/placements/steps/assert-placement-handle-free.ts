import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { conflict } from "../../../lib/errors"

/** 409 when a live placement (other than `except_id`) already has the handle. */
export const assertPlacementHandleFreeStep = createStep(
  "personalization-assert-placement-handle-free",
  async (input: { handle: string; except_id?: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [existing] = await service.listPlacements({ handle: input.handle }, { select: ["id"], take: 1 })
    if (existing && existing.id !== input.except_id) {
      throw placementHandleTaken(input.handle, existing.id)
    }
    return new StepResponse(undefined)
  }
)

export function placementHandleTaken(handle: string, id?: string) {
  return conflict(`handle: a placement with handle '${handle}' already exists${id ? ` (${id})` : ""}`)
}

/** Medusa's services report a unique-index violation as a DUPLICATE_ERROR (a concurrent create won the race). */
export function isDuplicateError(err: unknown): boolean {
  const e = err as { type?: string; message?: string } | null
  return e?.type === "duplicate_error" || /already exists|duplicate key/i.test(e?.message ?? "")
}
