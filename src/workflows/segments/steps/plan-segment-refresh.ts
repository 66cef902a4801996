import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { diffSegment, type RefreshSegment } from "../../../lib/segments/segment-diff"
import type { RefreshState } from "./start-segment-refresh"

/** Evaluates the segment set-based and diffs it against the open memberships. Writes only the progress total. */
export const planSegmentRefreshStep = createStep(
  "personalization-plan-segment-refresh",
  async (input: { segment: RefreshSegment; now: Date }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const diff = await diffSegment(container, input.segment, new Date(input.now), {
      catalog: service.getCatalog(),
      requireConsent: service.getOptions().consent.required,
    })
    const [s] = await service.listSegments({ id: input.segment.id }, { select: ["id", "refresh_state"], take: 1 })
    await service.updateSegments({
      id: input.segment.id,
      refresh_state: { ...(s.refresh_state as RefreshState), total: diff.enter.length + diff.exit.length },
    })
    return new StepResponse(diff)
  }
)
