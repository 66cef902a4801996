import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { retrieveSegmentStep } from "../segments/steps/retrieve-segment"
import { mirrorSegmentGroupStep } from "../segments/steps/mirror-segment-group"

/** member_count recomputed from the open memberships; compensation puts the previous value back. */
export const recountSegmentStep = createStep(
  "personalization-consistency-recount",
  async (input: { segment_id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [before] = await service.listSegments({ id: input.segment_id }, { select: ["id", "member_count"], take: 1 })
    await service.recountMembers([input.segment_id])
    const [after] = await service.listSegments({ id: input.segment_id }, { select: ["id", "member_count"], take: 1 })
    return new StepResponse(
      { before: Number(before.member_count), after: Number(after.member_count) },
      { id: input.segment_id, member_count: Number(before.member_count) }
    )
  },
  async (previous, { container }) => {
    if (!previous) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.updateSegments({ id: previous.id, member_count: previous.member_count })
  }
)

export type RepairSegmentConsistencyInput = { segment_id: string }

/**
 * Repairs one segment's derived state from its open memberships (the truth the pipeline writes in one
 * transaction): the managed group is reconciled to exactly the open members (mirrorSegmentGroupStep, compensated
 * link by link) and member_count is recounted. Takes the segment-refresh lock, so it never interleaves with a
 * batch refresh of the same segment. Memberships themselves are not re-evaluated (that is refreshSegmentWorkflow).
 */
export const repairSegmentConsistencyWorkflow = createWorkflow(
  "personalization-repair-segment-consistency",
  (input: RepairSegmentConsistencyInput) => {
    const lockKey = transform({ input }, ({ input }) => `personalization:segment-refresh:${input.segment_id}`)
    acquireLockStep({ key: lockKey, timeout: 120, ttl: 900 })
    const segment = retrieveSegmentStep({ id: input.segment_id })
    const group = mirrorSegmentGroupStep(
      transform({ segment }, ({ segment }) => ({ segment_id: segment.id, customer_group_id: segment.customer_group_id ?? null }))
    )
    const count = recountSegmentStep({ segment_id: input.segment_id })
    releaseLockStep({ key: lockKey })
    return new WorkflowResponse(transform({ group, count, input }, ({ group, count, input }) => ({ segment_id: input.segment_id, group, count })))
  }
)
