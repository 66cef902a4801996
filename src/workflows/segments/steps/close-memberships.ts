import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"

/** Ends every open stay in a segment (archive/delete); compensation reopens exactly those rows. */
export const closeMembershipsStep = createStep(
  "personalization-close-memberships",
  async (input: { segment_id: string; reason: string; at?: Date }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const open = await service.listSegmentMemberships(
      { segment_id: input.segment_id, exited_at: null },
      { select: ["id"], take: null }
    )
    const ids = open.map((m) => m.id)
    const at = input.at ?? new Date()
    if (ids.length) {
      await service.updateSegmentMemberships({ selector: { id: ids }, data: { exited_at: at, exit_reason: input.reason } })
    }
    await service.updateSegments({ id: input.segment_id, member_count: 0 })
    return new StepResponse(ids.length, { segment_id: input.segment_id, ids, member_count: ids.length })
  },
  async (closed, { container }) => {
    if (!closed) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    if (closed.ids.length) {
      await service.updateSegmentMemberships({ selector: { id: closed.ids }, data: { exited_at: null, exit_reason: null } })
    }
    await service.updateSegments({ id: closed.segment_id, member_count: closed.member_count })
  }
)
