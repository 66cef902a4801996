import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { dependencies } from "../../../core/rules"
import { loadActiveSegments } from "../../../lib/profile/load-subject"

/**
 * When a refresh changed who is in segment x, the active segments whose rules say segment('x') (by x's id) are stale for
 * exactly those profiles: refresh them too (each is its own workflow run, which cascades further; cycles are
 * refused at save time, and the depth guard stops anything unexpected). A dependent that fails is logged and
 * does not undo x's refresh, which is consistent on its own.
 */
export const refreshDependentsStep = createStep(
  "personalization-refresh-dependent-segments",
  async (input: { segment_id: string; handle: string; changed: number; cascade: boolean; depth: number; now: Date }, { container }) => {
    if (!input.cascade || !input.changed || input.depth >= 8) return new StepResponse({ refreshed: [] as string[] })
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const dependents = (await loadActiveSegments(service)).filter((s) => dependencies(s.rule).segments.includes(input.segment_id))
    // Lazy: this step belongs to the refresh workflow it runs.
    const { refreshSegmentWorkflow }: typeof import("../refresh-segment") = require("../refresh-segment")
    const refreshed: string[] = []
    for (const s of dependents) {
      try {
        await refreshSegmentWorkflow(container).run({ input: { segment_id: s.id, now: input.now, depth: input.depth + 1 } })
        refreshed.push(s.handle)
      } catch (e) {
        container
          .resolve(ContainerRegistrationKeys.LOGGER)
          .error(`personalization: refreshing '${s.handle}' after '${input.handle}' changed failed: ${(e as Error).message}`)
      }
    }
    return new StepResponse({ refreshed })
  }
)
