import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { segmentCatalogChanged } from "../../../lib/cache"

/** Soft-deletes a segment and its membership history; compensation restores both. */
export const deleteSegmentStep = createStep(
  "personalization-delete-segment",
  async (input: { id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const memberships = await service.listSegmentMemberships({ segment_id: input.id }, { select: ["id"], take: null })
    const membershipIds = memberships.map((m) => m.id)
    if (membershipIds.length) await service.softDeleteSegmentMemberships(membershipIds)
    await service.softDeleteSegments([input.id])
    await segmentCatalogChanged(container)
    return new StepResponse(undefined, { id: input.id, membershipIds })
  },
  async (deleted, { container }) => {
    if (!deleted) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.restoreSegments([deleted.id])
    if (deleted.membershipIds.length) await service.restoreSegmentMemberships(deleted.membershipIds)
    await segmentCatalogChanged(container)
  }
)
