import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { notFound } from "../../../lib/errors"
import type { RefreshSegment } from "../../../lib/segments/segment-diff"
import type { Rule } from "../../../core/rules"

export type RefreshState = {
  status: "running" | "done" | "failed"
  done: number
  total: number
  entered: number
  exited: number
  started_at: string
  finished_at: string | null
  /** The evaluation instant memberships were decided at. */
  as_of: string
  error?: string
}

/**
 * Reads the segment (404 if unknown) and marks its refresh as running. Compensation marks it failed, so a
 * rolled-back refresh never stays "running" on the segment.
 */
export const startSegmentRefreshStep = createStep(
  "personalization-start-segment-refresh",
  async (input: { segment_id: string; now: Date }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [s] = await service.listSegments({ id: input.segment_id }, { take: 1 })
    if (!s) throw notFound("Segment", input.segment_id)
    const state: RefreshState = {
      status: "running",
      done: 0,
      total: 0,
      entered: 0,
      exited: 0,
      started_at: new Date().toISOString(),
      finished_at: null,
      as_of: new Date(input.now).toISOString(),
    }
    await service.updateSegments({ id: s.id, refresh_state: state })
    const segment: RefreshSegment = {
      id: s.id,
      handle: s.handle,
      rule: s.rule as unknown as Rule,
      rule_text: s.rule_text,
      status: s.status,
      purpose: s.purpose,
      customer_group_id: s.customer_group_id ?? null,
    }
    return new StepResponse(segment, { id: s.id, state })
  },
  async (started, { container }) => {
    if (!started) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [s] = await service.listSegments({ id: started.id }, { select: ["id", "refresh_state"], take: 1 })
    const current = (s?.refresh_state as RefreshState | null) ?? started.state
    await service.updateSegments({
      id: started.id,
      refresh_state: {
        ...current,
        status: "failed",
        finished_at: new Date().toISOString(),
        error: current.error ?? "the refresh failed and its changes were rolled back",
      },
    })
  }
)
