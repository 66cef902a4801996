import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { checkStoredRule, loadSegmentRefs } from "../../../lib/segments/references"

/**
 * A segment's handle or status changes while its rule does not: its stored references are checked again against the
 * store as it is (unknown or archived segments, cycles), so no path stores or activates a segment whose references
 * cannot settle. 400 naming `field` (the changed one). Read-only.
 */
export const checkStoredReferencesStep = createStep(
  "personalization-check-stored-segment-references",
  async (input: { segment_id: string; handle: string; status: string; field: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const all = await loadSegmentRefs(service)
    const self = all.find((s) => s.id === input.segment_id)
    if (self) checkStoredRule(self.rule, all, { id: input.segment_id, handle: input.handle, status: input.status }, input.field)
    return new StepResponse(undefined)
  }
)
