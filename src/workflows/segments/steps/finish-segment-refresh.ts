import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import type { RefreshState } from "./start-segment-refresh"
import type { AppliedRefresh } from "./apply-segment-refresh"
import type { GroupMirror } from "./mirror-segment-group"
import { notFound } from "../../../lib/errors"

export type RefreshResult = RefreshState & { segment_id: string; member_count: number; group: GroupMirror }

/** Recounts members and records the finished refresh (state "done", last_refreshed_at). */
export const finishSegmentRefreshStep = createStep(
  "personalization-finish-segment-refresh",
  async (input: { segment_id: string; applied: AppliedRefresh; group: GroupMirror }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.recountMembers([input.segment_id])
    const [s] = await service.listSegments(
      { id: input.segment_id },
      { select: ["id", "refresh_state", "last_refreshed_at", "member_count"], take: 1 }
    )
    // Deleted while it was being refreshed (found by the fuzz suite: a 500 reading refresh_state of undefined).
    if (!s) throw notFound("Segment", input.segment_id)
    const finishedAt = new Date()
    const state: RefreshState = {
      ...(s.refresh_state as RefreshState),
      status: "done",
      entered: input.applied.entered,
      exited: input.applied.exited,
      finished_at: finishedAt.toISOString(),
    }
    // last_refreshed_at is the instant the memberships are fresh as of (the evaluation time), which is what the
    // scheduled refresh compares its cron firings with.
    await service.updateSegments({ id: s.id, refresh_state: state, last_refreshed_at: new Date(state.as_of) })
    const result: RefreshResult = { ...state, segment_id: s.id, member_count: s.member_count, group: input.group }
    return new StepResponse(result, { id: s.id, last_refreshed_at: s.last_refreshed_at ?? null })
  },
  async (previous, { container }) => {
    if (!previous) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.updateSegments({ id: previous.id, last_refreshed_at: previous.last_refreshed_at })
  }
)
